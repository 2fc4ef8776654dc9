"""Measure what each isolation tier costs per submission, and where its CPU time goes.

    python bench/sandbox_cost.py            # 40 runs per tier
    python bench/sandbox_cost.py --runs 10  # a quick look

Every run is the correct sample submission graded the way the grader does it (the
program as written plus its variants, in one child). For each tier that works here it
prints, per submission:

* wall: the median time of one run alone, and its ratio to ``python -I -S -c pass``;
* CPU: the grader's own (its process, every thread), and the child side's: the harness,
  its variants and whatever started them (for the cold tiers, what the grader reaped;
  for the warm tier, what its zygotes reaped; bubblewrap's own children escape both);
* the harness's own account of its phases (``Sandbox(measure=True)``): entering the
  namespaces (warm), hardening (filter, limits, Landlock), forking the variants,
  collecting their answers, judging them, and the variants' own CPU; what is left of
  the child side is the interpreter's start and the harness's loading (cold tiers),
  bubblewrap, and the sweep after the answer.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.exercise import builtin  # noqa: E402  (the checkout, not an installed grader)
from grader.load import load  # noqa: E402
from grader.sandbox import Limits, Run, Sandbox, SandboxUnavailable  # noqa: E402

SAMPLE = ROOT / "submissions" / "correct-script.py"
PHASES = ("enter", "request", "harden", "fork", "collect", "judge", "variants")
TICKS = os.sysconf("SC_CLK_TCK")


def _timed(job: Callable[[], object], runs: int) -> float:
    """The median wall time of a job run alone."""
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        job()
        walls.append(time.perf_counter() - started)
    return statistics.median(walls)


def floor(runs: int) -> float:
    """Measure ``python -I -S -c pass``: the least any cold child can cost."""
    return _timed(lambda: subprocess.run([sys.executable, "-I", "-S", "-c", "pass"]), runs)


def _children_cpu() -> float:
    """CPU seconds of everything the grader reaped, and of what its live children reaped."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = usage.ru_utime + usage.ru_stime
    me = str(os.getpid())
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if fields[1].decode() == me:  # a zygote: its own time and its harnesses'
            total += sum(int(x) for x in fields[11:15]) / TICKS
    return total


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(tier: str, runs: int) -> dict[str, float]:
    """Measure grading's run step for the sample in one tier: wall, CPU, phases (seconds)."""
    exercise = builtin()
    program = load(SAMPLE)
    variants = exercise.variants(exercise.compute_expected())
    limits = Limits(timeout=10)
    with Sandbox(tier, hide=[exercise.reference], measure=True) as sandbox:
        sandbox.check()
        ran: list[Run] = []

        def job() -> None:
            ran.append(sandbox.run(program, variants, limits, source=SAMPLE))
            assert not ran[-1].main.missing, ran[-1].raw_output

        for _ in range(3):
            job()  # warm: the probe, the caches, the zygotes
        ran.clear()
        own, children = _own_cpu(), _children_cpu()
        wall = _timed(job, runs)
        cost = {
            "wall": wall,
            "grader": (_own_cpu() - own) / runs,
            "child": (_children_cpu() - children) / runs,
        }
    for phase in PHASES:
        cost[phase] = statistics.mean(r.phases.get(phase, (0.0, 0.0))[0] for r in ran)
    cost["rest"] = cost["child"] - sum(cost[phase] for phase in PHASES)
    cost["variants_count"] = len(variants)
    return cost


def _cell(cost: dict[str, float], key: str) -> str:
    """One figure in milliseconds; what is left of a child side that was not all counted
    (bubblewrap's own children escape the grader's accounting) is not shown."""
    if key == "rest" and cost[key] < 0:
        return "not counted"
    return f"{cost[key] * 1000:.1f}"


def main() -> int:
    """Print one table of the tiers, and one of where each tier's CPU time goes."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="runs per tier (default: 40)")
    args = parser.parse_args()
    print(f"load before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)
    base = floor(args.runs)
    costs: dict[str, dict[str, float]] = {}
    for tier in ("warm", "process", "bwrap"):
        try:
            costs[tier] = measure(tier, args.runs)
        except SandboxUnavailable as error:
            print(f"{tier}: not available here ({error})", file=sys.stderr)
    print(f"`python -I -S -c pass`: {base * 1000:.1f} ms\n")
    print("| tier | wall ms | x floor | grader CPU ms | child CPU ms |")
    print("|---|---:|---:|---:|---:|")
    for tier, cost in costs.items():
        print(
            f"| {tier} | {cost['wall'] * 1000:.1f} | {cost['wall'] / base:.2f} "
            f"| {cost['grader'] * 1000:.1f} | {cost['child'] * 1000:.1f} |"
        )
    print("\n| CPU ms per submission | " + " | ".join(costs) + " |")
    print("|---|" + "---:|" * len(costs))
    rows = [("the grader's process", "grader"), *((f"harness: {p}", p) for p in PHASES)]
    rows.append(("start, bubblewrap, sweep (the rest of the child side)", "rest"))
    for label, key in rows:
        cells = " | ".join(_cell(cost, key) for cost in costs.values())
        print(f"| {label} | {cells} |")
    print(f"\nload after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
