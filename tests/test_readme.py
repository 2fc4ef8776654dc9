"""The README shows what the grader really prints."""

from __future__ import annotations

import json
import re

import pytest

from grader.cli import main
from tests.conftest import BEST, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_the_sample_feedback_is_the_real_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first text block of the README is what grading its sample prints.

    It runs in the strongest tier this test run has, named on the command line: on a
    machine without bubblewrap, "auto" would add a note on how to install it.
    """
    shown = _blocks("text")[0]
    monkeypatch.chdir(ROOT)
    main([shown.split("\n", 1)[0], "--sandbox", BEST])
    assert capsys.readouterr().out == shown


def test_the_json_sample_has_the_real_fields(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's JSON sample names exactly the fields of the real report."""
    sample = json.loads(_blocks("json")[0])
    monkeypatch.chdir(ROOT)
    main([sample["results"][0]["submission"], "--format", "json"])
    real = json.loads(capsys.readouterr().out)
    fields = (
        set(real),
        set(real["results"][0]),
        set(real["results"][0]["steps"][0]),
        set(real["summary"]),
    )
    shown = (
        set(sample),
        set(sample["results"][0]),
        set(sample["results"][0]["steps"][0]),
        set(sample["summary"]),
    )
    assert shown == fields
