# expect: status=failed score=0 code=runtime-error
# Reads the environment of every process it can see through /proc, the grader's first.
import os

seen = []
for pid in [os.getppid(), 1] + [p for p in os.listdir("/proc") if p.isdigit()]:
    for name in ("environ", "cmdline"):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as handle:
                seen.append(handle.read().decode("utf-8", "replace"))
        except OSError:
            pass
print("\n".join(seen))
raise RuntimeError("\n".join(seen)[:1900])
