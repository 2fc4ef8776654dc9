"""Measure what each isolation tier costs per submission, against a bare interpreter.

    python bench/sandbox_cost.py            # 40 runs per row
    python bench/sandbox_cost.py --runs 10  # a quick look

Every row runs the correct sample submission the way the grader does (the program as
written plus its variants, in one child) and reports, per submission:

* wall: the median time of one run alone;
* core: what one submission costs a core when every core is busy (the elapsed time of
  runs on one thread per CPU, times the CPUs, over the runs): the batch figure, and
  the only CPU figure that sees through bubblewrap, whose inner processes are not
  reaped by the grader and so escape RUSAGE_CHILDREN;

each also as a ratio to ``python -I -S -c pass`` measured the same way. The floor row
is that bare interpreter; the process tier adds the harness, one fork per variant and
the sweeps; the bwrap tier adds one bubblewrap process and its namespaces; the portable
tier starts one interpreter per variant instead of forking.

``measure(tier, runs)`` is the same measurement as a function, for the batch benchmark.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.exercise import builtin  # noqa: E402  (the checkout, not an installed grader)
from grader.load import load  # noqa: E402
from grader.sandbox import Limits, Sandbox, SandboxUnavailable  # noqa: E402

SAMPLE = ROOT / "submissions" / "correct-script.py"


def _per_core(job: Callable[[], object], runs: int) -> float:
    """Seconds of one core per job, with one job running per CPU at all times."""
    cores = len(os.sched_getaffinity(0))
    started = time.perf_counter()
    with ThreadPoolExecutor(cores) as pool:
        list(pool.map(lambda _: job(), range(runs)))
    return (time.perf_counter() - started) * cores / runs


def _timed(job: Callable[[], object], runs: int) -> float:
    """The median wall time of a job run alone."""
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        job()
        walls.append(time.perf_counter() - started)
    return statistics.median(walls)


def floor(runs: int) -> dict[str, float]:
    """Measure ``python -I -S -c pass``: the least any child can cost."""

    def job() -> None:
        subprocess.run([sys.executable, "-I", "-S", "-c", "pass"], check=True)

    return {"wall": _timed(job, runs), "core": _per_core(job, runs)}


def measure(tier: str, runs: int, seccomp: bool = True) -> dict[str, float]:
    """Measure grading's run step for the sample in one tier (wall and core seconds)."""
    exercise = builtin()
    sandbox = Sandbox(tier, hide=[exercise.reference], seccomp=seccomp)
    sandbox.check()
    program = load(SAMPLE)
    variants = exercise.variants(exercise.compute_expected())
    limits = Limits(timeout=10)

    def job() -> None:
        ran = sandbox.run(program, variants, limits, source=SAMPLE)
        assert not ran.main.missing, ran.raw_output

    job()  # warm: the probe, the caches
    return {"wall": _timed(job, runs), "core": _per_core(job, runs), "variants": len(variants)}


def main() -> int:
    """Print one row per tier, with ratios to the bare interpreter."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="runs per row (default: 40)")
    args = parser.parse_args()
    base = floor(args.runs)
    rows = [("python -I -S -c pass", base, "")]
    # The process tier once more without the syscall filter, to show what the filter costs.
    for tier, seccomp in (
        ("process", False),
        ("process", True),
        ("bwrap", True),
        ("portable", True),
    ):
        name = tier if seccomp else f"{tier}, no seccomp"
        try:
            cost = measure(tier, args.runs, seccomp)
        except SandboxUnavailable as error:
            rows.append((name, None, str(error)))
            continue
        sandbox = Sandbox(tier, seccomp=seccomp)
        layers = sandbox.run(load(SAMPLE), [{}], Limits(timeout=10)).layers
        rows.append((name, cost, ", ".join(layers)))
    print("| tier | wall ms | x floor | core ms | x floor | layers |")
    print("|---|---:|---:|---:|---:|---|")
    for name, cost, detail in rows:
        if cost is None:
            print(f"| {name} | | | | | not available: {detail} |")
            continue
        print(
            f"| {name} | {cost['wall'] * 1000:.1f} | {cost['wall'] / base['wall']:.2f} "
            f"| {cost['core'] * 1000:.1f} | {cost['core'] / base['core']:.2f} | {detail} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
