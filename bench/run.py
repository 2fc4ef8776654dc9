"""Benchmark the grader against the floors of this machine, in one command.

    python bench/run.py            # the full run (several minutes on 2 cores)
    python bench/run.py --quick    # fewer repeats and smaller batches, for a smoke test

It builds its own corpora under bench/.corpus/ (generated from the samples in
submissions/: correct and incorrect scripts and notebooks, each file made unique), then
measures, side by side in one run (wall time, and for the batches CPU time too, which
holds up on a busy machine):

* cold start: ``python -m grader`` on one script and on one notebook, against
  ``python -c pass``, ``python -c "import pytest"`` and a one-test pytest run;
* batch throughput for 1,000 scripts and 300 notebooks at ``--jobs 2``, in each sandbox
  tier that works here, against spawning as many bare ``python -I -S -c pass`` processes
  at 2 workers (each submission of a cold tier costs at least one such child);
* notebooks against scripts, per submission;
* peak memory of the grader's process for 100 and for 1,000 scripts.

Before it measures, it byte-compiles the grader's package (``compileall`` of grader/), as
pip does for a regular install: an editable install run with PYTHONDONTWRITEBYTECODE set
(as some shells do) would otherwise compile every module of the grader again at each of
its starts, a cost no installed grader pays.

The corpora hold only samples that end on their own: each sample is run once, and one
that is still running at its time limit is left out (it would measure the time limit,
not the grader), whoever added it. Every time is the median of several runs; ratios are
against the floor named in the same row, measured in the same run. The table is printed
as Markdown, ready for docs/benchmark.md, with the machine's load before and after.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = Path(__file__).resolve().parent / ".corpus"
SAMPLES = ROOT / "submissions"
PY = sys.executable
JOBS = 2
# The limit a sample is run under to tell whether it ends on its own.
ENDS_WITHIN = 5.0

# -- the corpora ----------------------------------------------------------------------


def ending_samples(suffix: str) -> list[Path]:
    """Return the samples with this suffix that end on their own, by running each once."""
    from grader.load import LoadError, load
    from grader.sandbox import Limits, Sandbox

    ending = []
    with Sandbox("process") as sandbox:
        for path in sorted(SAMPLES.glob(f"*{suffix}")):
            try:
                program = load(path)
            except LoadError:
                ending.append(path)  # never runs: it ends at once
                continue
            ran = sandbox.run(program, [{}], Limits(timeout=ENDS_WITHIN))
            if not any(execution.timed_out for execution in ran.executions):
                ending.append(path)
    return ending


def _vary(text: str, index: int, rng: random.Random) -> str:
    """Make a sample unique without changing its verdict: a header, blank lines, spacing."""
    lines = text.split("\n")
    lines.insert(0, f"# learner {index:05d}")
    if rng.random() < 0.5:
        lines.insert(1, "")
    if rng.random() < 0.3:
        lines.append(f"# submitted as attempt {rng.randint(1, 9)}")
    return "\n".join(lines)


def _cells(text: str) -> list[str]:
    """Split a script into notebook code cells at blank lines."""
    cells, current = [], []
    for line in text.split("\n"):
        if not line.strip() and current:
            cells.append("\n".join(current))
            current = []
        elif line.strip():
            current.append(line)
    if current:
        cells.append("\n".join(current))
    return cells or [""]


def _notebook(code_cells: Sequence[str], index: int) -> str:
    """Write code cells as an nbformat 4 notebook with a markdown cell between steps."""
    cells: list[dict[str, object]] = [
        {
            "id": f"md-{index}",
            "cell_type": "markdown",
            "metadata": {},
            "source": f"# Scaling strategies\nNotebook of learner {index:05d}.",
        }
    ]
    for number, source in enumerate(code_cells):
        cells.append(
            {
                "id": f"c{index}-{number}",
                "cell_type": "code",
                "metadata": {},
                "execution_count": number + 1,
                "source": source,
                "outputs": [],
            }
        )
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    metadata = {"kernelspec": kernel, "language_info": {"name": "python"}}
    return json.dumps(
        {"nbformat": 4, "nbformat_minor": 5, "cells": cells, "metadata": metadata}, indent=1
    )


def build(kind: str, count: int, scripts: list[Path], notebooks: list[Path]) -> Path:
    """Create (once per set of samples) a folder of `count` varied files and return it."""
    digest = hashlib.sha256()
    for path in (*scripts, *notebooks):
        digest.update(path.name.encode() + path.read_bytes())
    folder = CORPUS / f"{kind}-{count}-{digest.hexdigest()[:12]}"
    stamp = folder / ".complete"
    if stamp.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{kind}-{count}")
    texts = [p.read_text(encoding="utf-8") for p in scripts]
    whole = [p.read_text(encoding="utf-8") for p in notebooks]
    for index in range(count):
        if kind == "scripts":
            text = _vary(rng.choice(texts), index, rng)
            (folder / f"s{index:05d}.py").write_text(text, encoding="utf-8")
        elif rng.random() < 0.2 and whole:
            # A real sample notebook (v3, magics, failing cell, syntax error...) as is.
            (folder / f"n{index:05d}.ipynb").write_text(rng.choice(whole), encoding="utf-8")
        else:
            code = _vary(rng.choice(texts), index, rng)
            notebook = _notebook(_cells(code), index)
            (folder / f"n{index:05d}.ipynb").write_text(notebook, encoding="utf-8")
    stamp.write_text("")
    return folder


def one_test_file() -> Path:
    """Write the one-test pytest file that the cold-start floor runs."""
    folder = CORPUS / "one-test"
    folder.mkdir(parents=True, exist_ok=True)
    test = folder / "test_one.py"
    test.write_text("def test_one():\n    assert True\n", encoding="utf-8")
    return test


# -- measuring ------------------------------------------------------------------------


def byte_compile() -> None:
    """Write the grader's bytecode, as pip's install does, whatever PYTHONDONTWRITEBYTECODE says."""
    if not compileall.compile_dir(ROOT / "grader", quiet=1):
        raise SystemExit("the grader's package could not be byte-compiled")


def _seconds(command: Sequence[str], repeat: int) -> float:
    """Return the median wall time of a command, run `repeat` times (output discarded)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _grader(*args: str) -> list[str]:
    return [PY, "-m", "grader", "--format", "json", "-o", os.devnull, *args]


def _children_cpu() -> float:
    """CPU seconds of every process this one has reaped (and of what they reaped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def spawn_floor(count: int, jobs: int) -> tuple[float, float]:
    """Start and reap `count` bare Python processes; return the wall and CPU seconds."""

    def one(_: int) -> None:
        subprocess.run([PY, "-I", "-S", "-c", "pass"], check=False)

    start, cpu = time.perf_counter(), _children_cpu()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, range(count)))
    return time.perf_counter() - start, _children_cpu() - cpu


def batch(command: Sequence[str]) -> tuple[float, float]:
    """Run a grading once; return its wall and CPU seconds (the grader's and its children's).

    The CPU time holds up on a loaded machine, where the wall time does not; it misses
    what bubblewrap's own children use.
    """
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, _children_cpu() - cpu


def tiers_here() -> list[str]:
    """Return the sandbox tiers that work on this machine, the default first."""
    from grader.sandbox import Sandbox, SandboxUnavailable

    found = []
    for tier in ("auto", "warm", "bwrap", "process"):
        try:
            with Sandbox(tier) as sandbox:
                chosen = sandbox.tier
        except SandboxUnavailable:
            continue
        if chosen not in found:
            found.append(chosen)
    return found


def peak_memory_kb(command: Sequence[str]) -> int:
    """Return the peak resident memory of a command's own process, in KB."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [PY, "-c", probe, *command], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip())


def load() -> str:
    """Return the machine's load averages, as `uptime` says them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


class Table:
    """The rows measured so far, echoed to stderr as they come."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []
        # Seconds per submission, by (corpus, tier).
        self.per_submission: dict[tuple[str, str], float] = {}

    def row(self, what: str, value: str, against: str = "") -> None:
        """Add a row."""
        self.rows.append((what, value, against))
        print(f"  {what}: {value} {against}", file=sys.stderr, flush=True)

    def markdown(self) -> str:
        """Return the table as Markdown."""
        lines = ["| measurement | value | against |", "| --- | --- | --- |"]
        lines += [f"| {what} | {value} | {against} |" for what, value, against in self.rows]
        return "\n".join(lines)


def measure_cold(table: Table, repeat: int, one_script: Path, one_notebook: Path) -> None:
    """Cold starts of the grader against the interpreter's and pytest's."""
    test = one_test_file()
    # Warm the file cache and the bytecode caches, so every run below is equally cold.
    _seconds(_grader(str(one_script)), 1)
    _seconds([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)], 1)
    floor_pass = _seconds([PY, "-c", "pass"], repeat)
    floor_isolated = _seconds([PY, "-I", "-S", "-c", "pass"], repeat)
    floor_pytest_import = _seconds([PY, "-c", "import pytest"], repeat)
    floor_pytest_run = _seconds(
        [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)], repeat
    )
    cold_script = _seconds(_grader(str(one_script)), repeat)
    cold_notebook = _seconds(_grader(str(one_notebook)), repeat)
    table.row("floor: `python -c pass`", f"{floor_pass:.3f} s")
    table.row("floor: `python -I -S -c pass`", f"{floor_isolated:.3f} s")
    table.row('floor: `python -c "import pytest"`', f"{floor_pytest_import:.3f} s")
    table.row("floor: one-test pytest run", f"{floor_pytest_run:.3f} s")
    table.row(
        "cold `python -m grader`, one script",
        f"{cold_script:.3f} s",
        f"{cold_script / floor_pytest_run:.2f}x one-test pytest",
    )
    table.row(
        "cold `python -m grader`, one notebook",
        f"{cold_notebook:.3f} s",
        f"{cold_notebook / floor_pytest_run:.2f}x one-test pytest, "
        f"{cold_notebook / cold_script:.2f}x one script",
    )


def measure_batches(table: Table, tiers: list[str], scripts: Path, notebooks: Path) -> None:
    """Each tier's batches at JOBS workers, each against a bare-spawn floor taken just before."""
    for label, folder in (("scripts", scripts), ("notebooks", notebooks)):
        count = sum(1 for p in folder.iterdir() if p.suffix in (".py", ".ipynb"))
        for tier in tiers:
            floor, floor_cpu = spawn_floor(count, JOBS)
            seconds, cpu = batch(_grader("--sandbox", tier, "--jobs", str(JOBS), str(folder)))
            table.row(
                f"{count} {label}, `--jobs {JOBS}`, {tier} tier",
                f"{seconds:.2f} s ({seconds / count * 1000:.1f} ms each), "
                f"CPU {cpu / count * 1000:.1f} ms each",
                f"{seconds / floor:.2f}x {count} bare `python -I -S -c pass` at {JOBS} "
                f"workers ({floor:.2f} s); CPU {cpu / floor_cpu:.2f}x theirs "
                f"({floor_cpu / count * 1000:.1f} ms each)",
            )
            table.per_submission[(label, tier)] = seconds / count
    for tier in tiers:
        ratio = table.per_submission[("notebooks", tier)] / table.per_submission[("scripts", tier)]
        table.row(f"a notebook against a script, per submission, {tier} tier", f"{ratio:.2f}x")


def measure_memory(table: Table, small: Path, large: Path) -> None:
    """Peak memory of the grader's own process at two batch sizes."""
    count = sum(1 for p in large.iterdir() if p.suffix == ".py")
    mem_small = peak_memory_kb(_grader("--jobs", str(JOBS), str(small)))
    mem_large = peak_memory_kb(_grader("--jobs", str(JOBS), str(large)))
    table.row("peak memory, 100 scripts", f"{mem_small / 1024:.1f} MB")
    table.row(
        f"peak memory, {count} scripts",
        f"{mem_large / 1024:.1f} MB",
        f"{mem_large / mem_small:.2f}x the 100-script batch",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Build the corpora, measure, and print the table."""
    options = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    options.add_argument("--quick", action="store_true", help="fewer repeats, smaller batches")
    args = options.parse_args(argv)
    repeat = 3 if args.quick else 7
    n_scripts, n_notebooks = (200, 60) if args.quick else (1000, 300)

    scripts_ok = ending_samples(".py")
    notebooks_ok = ending_samples(".ipynb")
    left_out = sorted(
        p.name
        for p in SAMPLES.iterdir()
        if p.suffix in (".py", ".ipynb") and p not in (*scripts_ok, *notebooks_ok)
    )
    scripts = build("scripts", n_scripts, scripts_ok, notebooks_ok)
    notebooks = build("notebooks", n_notebooks, scripts_ok, notebooks_ok)
    small = build("scripts", 100, scripts_ok, notebooks_ok)
    tiers = tiers_here()
    byte_compile()

    table = Table()
    started = load()
    table.row(
        "machine",
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, tiers here: "
        f"{', '.join(tiers)} (default {tiers[0]}); load before: {started}",
    )
    table.row("samples left out (still running at their limit)", ", ".join(left_out) or "none")
    measure_cold(table, repeat, SAMPLES / "correct-script.py", SAMPLES / "correct-notebook.ipynb")
    measure_batches(table, tiers, scripts, notebooks)
    measure_memory(table, small, scripts)
    table.row("load after", load())
    print(table.markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
