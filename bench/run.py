"""Benchmark the grader against the floors of this machine, in one command.

    python bench/run.py            # the full run (a few minutes on 2 cores)
    python bench/run.py --quick    # fewer repeats and smaller batches, for a smoke test

It builds its own corpora under bench/.corpus/ (generated from the samples in
submissions/: correct and incorrect scripts and notebooks, each file made unique), then
measures, side by side in one run:

* cold start: ``python -m grader`` on one script and on one notebook, against
  ``python -c pass``, ``python -c "import pytest"`` and a one-test pytest run;
* batch throughput (submissions per second) for 1,000 scripts and 300 notebooks at
  ``--jobs 1`` and at the CPU count, against spawning as many bare
  ``python -I -S -c pass`` processes (each submission costs at least one such child);
* peak memory of the grader's process for 100 and for 1,000 scripts, to show that it
  does not grow with the number of submissions.

Every time is the median of several runs; ratios are against the floor named in the
same row. The table is printed as Markdown, ready for docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / ".corpus"
SAMPLES = ROOT / "submissions"
# Samples left out of the corpora: each one waits out the whole time limit, so it
# measures the timeout, not the grader.
SLOW_SAMPLES = {"infinite-loop.py"}
PY = sys.executable

# -- the corpora ----------------------------------------------------------------------


def _script_samples() -> list[str]:
    """Return the text of every fast script sample, correct and incorrect."""
    return [
        p.read_text(encoding="utf-8")
        for p in sorted(SAMPLES.glob("*.py"))
        if p.name not in SLOW_SAMPLES
    ]


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
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "cells": cells,
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                "language_info": {"name": "python"},
            },
        },
        indent=1,
    )


def build(kind: str, count: int) -> Path:
    """Create (once) a folder of `count` varied scripts or notebooks and return it."""
    folder = CORPUS / f"{kind}-{count}"
    stamp = folder / ".complete"
    if stamp.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{kind}-{count}")
    samples = _script_samples()
    notebooks = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.ipynb"))]
    for index in range(count):
        if kind == "scripts":
            (folder / f"s{index:05d}.py").write_text(
                _vary(rng.choice(samples), index, rng), encoding="utf-8"
            )
        elif rng.random() < 0.2:
            # A real sample notebook (v3, magics, failing cell, syntax error...) as is.
            (folder / f"n{index:05d}.ipynb").write_text(rng.choice(notebooks), encoding="utf-8")
        else:
            code = _vary(rng.choice(samples), index, rng)
            (folder / f"n{index:05d}.ipynb").write_text(
                _notebook(_cells(code), index), encoding="utf-8"
            )
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


def spawn_floor(count: int, jobs: int) -> float:
    """Return the seconds it takes to start and reap `count` bare Python processes."""

    def one(_: int) -> None:
        subprocess.run([PY, "-I", "-S", "-c", "pass"], check=False)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, range(count)))
    return time.perf_counter() - start


CHILD_COST = """
import resource, statistics, sys, time
from pathlib import Path
from grader.exercise import builtin
from grader.load import load
from grader.sandbox import Limits, Sandbox, run
exercise = builtin()
expected = exercise.compute_expected()
program = load(Path(sys.argv[1]))
sandbox = Sandbox(sys.argv[2])
sandbox.check()
walls, before = [], resource.getrusage(resource.RUSAGE_CHILDREN)
for _ in range(30):
    start = time.perf_counter()
    run(program, expected.variants(), Limits(), sandbox=sandbox)
    walls.append(time.perf_counter() - start)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / 30
print(statistics.median(walls), cpu)
"""


def child_cost(submission: Path, tier: str) -> tuple[float, float]:
    """Return the wall and CPU seconds of one sandboxed run of a submission (all variants).

    The CPU time misses what runs inside bwrap's PID namespace; the wall time is the
    figure to compare.
    """
    out = subprocess.run(
        [PY, "-c", CHILD_COST, str(submission), tier],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu = out.stdout.split()
    return float(wall), float(cpu)


def _tier(submission: Path) -> str:
    """Return the sandbox tier the grader chooses on this machine by default."""
    out = subprocess.run(
        [PY, "-m", "grader", "--format", "json", str(submission)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return str(json.loads(out.stdout).get("sandbox") or "unknown")
    except ValueError:
        return "unknown"


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


# -- the run --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Build the corpora, measure, and print the table."""
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--quick", action="store_true", help="fewer repeats, smaller batches")
    args = options.parse_args(argv)
    cpus = os.cpu_count() or 1
    repeat = 3 if args.quick else 7
    batch_repeat = 1
    n_scripts, n_notebooks = (200, 60) if args.quick else (1000, 300)

    scripts = build("scripts", n_scripts)
    notebooks = build("notebooks", n_notebooks)
    small = build("scripts", 100)
    one_script = ROOT / "submissions" / "correct-script.py"
    one_notebook = ROOT / "submissions" / "correct-notebook.ipynb"
    test = one_test_file()

    rows: list[tuple[str, str, str]] = []

    def row(what: str, value: str, against: str = "") -> None:
        rows.append((what, value, against))
        print(f"  {what}: {value} {against}", file=sys.stderr, flush=True)

    tier = _tier(one_script)
    print(f"python {sys.version.split()[0]}, {cpus} CPUs, sandbox tier {tier}", file=sys.stderr)
    row("machine", f"python {sys.version.split()[0]}, {cpus} CPUs, default sandbox tier: {tier}")
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
    row("floor: `python -c pass`", f"{floor_pass:.3f} s")
    row("floor: `python -I -S -c pass`", f"{floor_isolated:.3f} s")
    row('floor: `python -c "import pytest"`', f"{floor_pytest_import:.3f} s")
    row("floor: one-test pytest run", f"{floor_pytest_run:.3f} s")
    row(
        "cold `python -m grader` one script",
        f"{cold_script:.3f} s",
        f"{cold_script / floor_pytest_run:.2f}x one-test pytest, "
        f"{cold_script / floor_pytest_import:.2f}x import pytest, "
        f"{cold_script / floor_pass:.2f}x python -c pass",
    )
    row(
        "cold `python -m grader` one notebook",
        f"{cold_notebook:.3f} s",
        f"{cold_notebook / floor_pytest_run:.2f}x one-test pytest, "
        f"{cold_notebook / cold_script:.2f}x one script",
    )

    # What the sandbox costs per submission, measured alone: the grader's own floor.
    tiers = [tier] if tier == "process" else [tier, "process"]
    for name in tiers:
        wall, _ = child_cost(one_script, name)
        row(
            f"one sandboxed run of a script (all variants), {name} tier",
            f"{wall * 1000:.1f} ms",
            f"{wall / floor_isolated:.1f}x `python -I -S -c pass`; {n_scripts} of them, "
            f"{cpus} at a time, take about {n_scripts * wall / cpus:.1f} s",
        )
    wall, _ = child_cost(one_notebook, tier)
    row(f"one sandboxed run of a notebook (all variants), {tier} tier", f"{wall * 1000:.1f} ms")

    per_submission: dict[tuple[str, int], float] = {}
    for label, folder, count in (
        ("scripts", scripts, n_scripts),
        ("notebooks", notebooks, n_notebooks),
    ):
        for jobs in sorted({1, cpus}):
            seconds = min(
                _seconds(_grader("--jobs", str(jobs), str(folder)), 1) for _ in range(batch_repeat)
            )
            floor = spawn_floor(count, jobs)
            per_submission[(label, jobs)] = seconds / count
            row(
                f"{count} {label}, --jobs {jobs}",
                f"{seconds:.2f} s, {count / seconds:.1f}/s",
                f"floor {floor:.2f} s ({count / floor:.1f}/s bare `python -I -S -c pass`), "
                f"{seconds / floor:.2f}x floor",
            )
    for jobs in sorted({1, cpus}):
        ratio = per_submission[("notebooks", jobs)] / per_submission[("scripts", jobs)]
        row(f"notebook / script per submission, --jobs {jobs}", f"{ratio:.2f}x")
    if tier != "process":
        seconds = _seconds(_grader("--sandbox", "process", "--jobs", str(cpus), str(scripts)), 1)
        row(
            f"{n_scripts} scripts, --jobs {cpus}, --sandbox process",
            f"{seconds:.2f} s, {n_scripts / seconds:.1f}/s",
            f"{seconds / (per_submission[('scripts', cpus)] * n_scripts):.2f}x the {tier} tier",
        )

    mem_small = peak_memory_kb(_grader("--jobs", str(cpus), str(small)))
    mem_large = peak_memory_kb(_grader("--jobs", str(cpus), str(scripts)))
    row("peak memory, 100 scripts", f"{mem_small / 1024:.1f} MB")
    row(
        f"peak memory, {n_scripts} scripts",
        f"{mem_large / 1024:.1f} MB",
        f"{mem_large / mem_small:.2f}x the 100-script batch",
    )

    print("| measurement | value | against |")
    print("| --- | --- | --- |")
    for what, value, against in rows:
        print(f"| {what} | {value} | {against} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
