"""Charts: a batch's pass rate per step as a Mermaid bar chart, for Markdown reports.

GitHub renders a ```mermaid block in a comment or a job summary as a picture; elsewhere
it stays readable text. Only the numbers go in: no learner text reaches the chart.
"""

from __future__ import annotations

from grader.result import Report


def pass_rates(report: Report) -> dict[int, float]:
    """Return step number -> percentage of submissions that passed it, to 0.1."""
    summary = report.summary()
    if not summary.submissions:
        return {}
    return {
        step: round(100 * passes / summary.submissions, 1)
        for step, passes in summary.step_passes.items()
    }


def pass_rate_chart(report: Report) -> str:
    """Write the pass rate of every step as a fenced Mermaid xychart-beta bar chart."""
    rates = pass_rates(report)
    labels = ", ".join(f'"Step {step}"' for step in rates)
    values = ", ".join(f"{rate:g}" for rate in rates.values())
    return "\n".join(
        [
            "```mermaid",
            "xychart-beta",
            f'    title "Pass rate per step ({report.summary().submissions} submissions)"',
            f"    x-axis [{labels}]",
            '    y-axis "Passed (%)" 0 --> 100',
            f"    bar [{values}]",
            "```",
        ]
    )
