"""The mistake-code registry covers every code the grader can emit, and its doc is current."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from grader import mistakes

ROOT = Path(__file__).resolve().parent.parent
# The modules that name mistakes: the loader, the error explanations, the step rules.
EMITTERS = (
    "grader/load.py",
    "grader/explain.py",
    "grader/checks/steps.py",
    "grader/checks/test_steps.py",
    "grader/grade.py",
)
# Strings in those modules that look like codes but are something else.
NOT_CODES = {
    "sys.exit",  # how a run ended (Execution.ended), explained under exit-called
    "utf-8-sig",  # an encoding name
}


def _template(node: ast.AST) -> str | None:
    """Return a string constant, or an f-string with each {...} written as '{}'."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
    return None


def _looks_like_code(text: str) -> bool:
    return bool(mistakes.CODE_PATTERN.match(text.replace("{}", "0")))


def emitted_templates() -> set[str]:
    """Find every code the emitters can produce, as literal codes or f-string templates.

    Two nets: any string with a '.' or '-' that is shaped like a code, and any string in
    the places a code goes (Explanation's first argument, LoadError's and _fail's
    second, the first item of a returned or appended (code, text) pair), which also
    catches one-word codes.
    """
    found: set[str] = set()
    for module in EMITTERS:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        inside_fstrings = {
            id(part)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for part in node.values
        }
        for node in ast.walk(tree):
            if id(node) in inside_fstrings:
                continue
            text = _template(node)
            if (
                text is not None
                and re.search(r"[a-z0-9}][.-][a-z0-9{]", text)
                and _looks_like_code(text)
            ):
                found.add(text)
            slots: list[ast.AST] = []
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                position = {"Explanation": 0, "LoadError": 1, "_fail": 1}.get(node.func.id)
                if position is not None and len(node.args) > position:
                    slots.append(node.args[position])
            # A (code, text) pair, as the explanations return it or the checks collect it.
            pairs: list[ast.AST] = []
            if isinstance(node, ast.Return) and node.value is not None:
                pairs.append(node.value)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                pairs.extend(node.args if node.func.attr == "append" else [])
            slots.extend(p.elts[0] for p in pairs if isinstance(p, ast.Tuple) and len(p.elts) == 2)
            for slot in slots:
                text = _template(slot)
                if text is not None and _looks_like_code(text):
                    found.add(text)
    return found - NOT_CODES


def _matches(template: str, code: str) -> bool:
    pattern = "^" + re.escape(template).replace(r"\{\}", "[0-9]+") + "$"
    return re.match(pattern, code) is not None


def test_every_code_the_grader_emits_is_in_the_registry() -> None:
    """Each literal code is registered, and each f-string template matches a registered code."""
    unregistered = sorted(
        template
        for template in emitted_templates()
        if not any(_matches(template, code) for code in mistakes.MISTAKES)
    )
    assert unregistered == []


def test_every_registered_code_is_emitted_somewhere() -> None:
    """The registry holds no code that nothing can produce any more."""
    templates = emitted_templates()
    dead = sorted(
        code for code in mistakes.MISTAKES if not any(_matches(t, code) for t in templates)
    )
    assert dead == []


def test_the_golden_verdicts_use_only_registered_codes() -> None:
    """Every code in the samples' expected verdicts is explained in the registry."""
    codes = set()
    for path in (ROOT / "tests" / "golden").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        codes.update(data.get("mistakes", []))
        codes.update(step["code"] for step in data.get("steps", []) if step.get("code"))
    assert (bool(codes), sorted(codes - set(mistakes.MISTAKES))) == (True, [])


def test_codes_have_the_stable_shape_and_a_one_line_explanation() -> None:
    """Codes are lower-case words joined by '-' and '.'; explanations are one short line."""
    bad = [
        code
        for code, text in mistakes.MISTAKES.items()
        if not mistakes.CODE_PATTERN.match(code) or not text or "\n" in text or len(text) > 100
    ]
    assert bad == []


def test_the_mistakes_doc_is_generated_from_the_registry() -> None:
    """docs/mistakes.md is what `python -m grader.mistakes` writes; regenerate it if not."""
    doc = (ROOT / "docs" / "mistakes.md").read_text(encoding="utf-8")
    assert doc == mistakes.markdown()
