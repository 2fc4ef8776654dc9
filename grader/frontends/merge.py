"""Merging: the JSON reports of a sharded batch become the report of the whole batch.

A batch spread over N machines with ``--shard K/N --format json`` leaves N reports;

    grader merge shard-1.json shard-2.json ... -o all.json

writes the one report a single run over all the submissions would have written: the
results of every shard, sorted by path (the order one run over a folder lists them),
and the summary added up again from them. Every input must carry the report version
this grader writes, and no submission may appear in two shards. Shards that ran in
different sandbox tiers (one machine without bubblewrap, say) give a merged
``sandbox`` that names every tier, in the order the shards were given
(``"bwrap, process"``), and a ``sandbox_note`` that keeps every shard's note.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from grader.report.json import result_from_dict, summary_dict
from grader.result import REPORT_VERSION, Report, submission_order
from grader.safe import log_line


class MergeError(Exception):
    """The reports cannot be merged; the message says which one and why, in one line."""


def parse(text: str, name: str) -> dict[str, Any]:
    """Read one shard's JSON report, checking that it is a report of this version."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise MergeError(f"{name}: not JSON ({log_line(str(error))}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise MergeError(f"{name}: not a grader JSON report (no 'results' list).")
    version = data.get("version")
    if version != REPORT_VERSION or type(version) is not int:
        raise MergeError(
            f"{name}: report version {version!r}, but this grader merges version "
            f"{REPORT_VERSION}; merge with the grader that wrote it."
        )
    for result in data["results"]:
        if not isinstance(result, dict) or not isinstance(result.get("submission"), str):
            raise MergeError(f"{name}: a result without a 'submission' path.")
    return data


def merge(reports: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Merge parsed shard reports into one: results sorted by path, summary recomputed."""
    if not reports:
        raise MergeError("no reports to merge.")
    results: list[dict[str, Any]] = []
    seen: set[str] = set()
    for report in reports:
        for result in report["results"]:
            path = result["submission"]
            if path in seen:
                raise MergeError(
                    f"{log_line(path)} is in more than one report; merge each shard once."
                )
            seen.add(path)
            results.append(dict(result))
    results.sort(key=lambda r: submission_order(r["submission"]))
    try:
        whole = Report(results=tuple(result_from_dict(r) for r in results))
        summary = whole.summary()
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise MergeError(
            f"a result is not in the report format ({log_line(str(error))})."
        ) from None
    merged = dict(reports[0])
    merged["results"] = results
    merged["summary"] = summary_dict(summary)
    glossary: dict[str, str] = {}
    for report in reports:
        glossary.update({str(k): str(v) for k, v in dict(report.get("glossary") or {}).items()})
    merged["glossary"] = {code: glossary.get(code, "") for code in merged["summary"]["mistakes"]}
    merged["sandbox"] = ", ".join(_distinct(str(r.get("sandbox") or "") for r in reports))
    merged["sandbox_note"] = " ".join(_distinct(str(r.get("sandbox_note") or "") for r in reports))
    merged.pop("incomplete", None)
    merged.pop("total", None)
    if any(report.get("incomplete") for report in reports):
        # One shard stopped early: the merged report is missing its unfinished part too.
        merged["incomplete"] = True
        merged["total"] = sum(int(r.get("total", len(r["results"]))) for r in reports)
    if "layers" in merged:
        # What held for every submission of every shard, not the first shard's word.
        merged["layers"] = list(whole.layers)
    return merged


def _distinct(values: Iterable[str]) -> list[str]:
    """Keep each non-empty value once, in the order first seen."""
    return [value for value in dict.fromkeys(values) if value]


def merge_files(names: Sequence[str]) -> dict[str, Any]:
    """Read the shard reports named and merge them (grader merge), or raise MergeError."""
    reports = []
    for name in names:
        try:
            with open(name, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as error:
            raise MergeError(f"{name}: cannot read it ({error.strerror or error}).") from None
        reports.append(parse(text, name))
    return merge(reports)
