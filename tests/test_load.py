"""Loading scripts and notebooks into cells, and refusing broken files in plain words."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat import v3, v4

from grader.load import (
    MAX_BYTES,
    MAX_NOTEBOOK_BYTES,
    LoadError,
    Timed,
    ipython_runs,
    load,
    strip_ipython,
)


def _write_v4(path: Path, cells: list[nbformat.NotebookNode], language: str = "python") -> Path:
    notebook = v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "k", "display_name": "K", "language": language}
    notebook.cells = cells
    nbformat.write(notebook, str(path))
    return path


def test_a_script_is_one_cell_without_a_number(tmp_path: Path) -> None:
    """A .py file loads as a single cell that has no cell number."""
    path = tmp_path / "a.py"
    path.write_text("load = 7\n", encoding="utf-8")
    program = load(path)
    assert [(c.number, c.source) for c in program.cells] == [(None, "load = 7\n")]


def test_a_bom_and_crlf_line_endings_are_read_as_plain_text(tmp_path: Path) -> None:
    """UTF-8 with a byte order mark and Windows line endings loads like any script."""
    path = tmp_path / "a.py"
    path.write_bytes(b"\xef\xbb\xbfload = 7\r\nx = 1\r")
    assert load(path).cells[0].source == "load = 7\nx = 1\n"


def test_code_cells_keep_their_position_among_all_cells(tmp_path: Path) -> None:
    """Markdown and raw cells are skipped, but cell numbers count them, as the learner sees."""
    path = _write_v4(
        tmp_path / "n.ipynb",
        [
            v4.new_markdown_cell("# Title"),
            v4.new_code_cell("load = 7"),
            v4.new_raw_cell("raw"),
            v4.new_code_cell("x = 1"),
        ],
    )
    program = load(path)
    assert [(c.number, c.source) for c in program.cells] == [(2, "load = 7"), (4, "x = 1")]


def test_stored_outputs_and_execution_counts_are_ignored(tmp_path: Path) -> None:
    """What a notebook shows from an earlier run does not enter the program."""
    cell = v4.new_code_cell("print(1)", execution_count=9)
    cell.outputs = [v4.new_output("stream", name="stdout", text="a stale answer\n")]
    program = load(_write_v4(tmp_path / "n.ipynb", [cell]))
    assert [c.source for c in program.cells] == ["print(1)"]


def test_a_nbformat_3_notebook_loads_its_code_cells(tmp_path: Path) -> None:
    """Notebooks saved in the old format 3 are upgraded and load like format 4."""
    notebook = v3.new_notebook()
    notebook.worksheets.append(
        v3.new_worksheet(
            cells=[v3.new_text_cell("markdown", source="hi"), v3.new_code_cell(input="load = 7")]
        )
    )
    path = tmp_path / "old.ipynb"
    path.write_text(v3.writes_json(notebook), encoding="utf-8")
    assert [(c.number, c.source) for c in load(path).cells] == [(2, "load = 7")]


def test_a_source_stored_as_one_string_loads_like_a_list_of_lines(tmp_path: Path) -> None:
    """Cell sources saved as a single string with newlines are read whole."""
    data = json.loads(v4.writes(v4.new_notebook(cells=[v4.new_code_cell("a = 1\nb = 2")])))
    data["cells"][0]["source"] = "a = 1\nb = 2"
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load(path).cells[0].source == "a = 1\nb = 2"


def test_cells_with_attachments_load(tmp_path: Path) -> None:
    """A markdown cell with an image attachment does not disturb the code cells."""
    markdown = v4.new_markdown_cell("![x](attachment:x.png)")
    markdown.attachments = {"x.png": {"image/png": "iVBORw0KGgo="}}
    program = load(_write_v4(tmp_path / "n.ipynb", [markdown, v4.new_code_cell("load = 7")]))
    assert [c.source for c in program.cells] == ["load = 7"]


def test_line_magics_and_shell_lines_are_blanked_with_a_note() -> None:
    """IPython-only lines become `pass`, keep their line numbers and leave a note."""
    source, notes = strip_ipython("%matplotlib inline\n!pip list\nx = !ls\nload = 7", 3)
    assert (source, len(notes)) == ("pass\npass\npass\nload = 7", 3)
    assert notes[0].startswith("Cell 3, line 1: `%matplotlib inline`")


def test_a_python_cell_magic_still_runs_its_body() -> None:
    """`%%time` is skipped but the cell's code below it runs."""
    source, notes = strip_ipython("%%time\nload = 7", 2)
    assert (source, "ran the rest of the cell" in notes[0]) == ("\nload = 7", True)


def test_a_cell_magic_of_another_language_skips_the_cell() -> None:
    """A `%%bash` cell is not Python, so none of it runs."""
    source, notes = strip_ipython("%%bash\necho hi", 2)
    assert (source, "skipped the whole cell" in notes[0]) == ("", True)


def test_valid_python_that_looks_like_a_magic_is_left_alone() -> None:
    """A `%` that continues an expression on the next line is the modulo operator."""
    code = "x = (10\n% 3)"
    assert strip_ipython(code, 1) == (code, [])


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.py", b"", "empty"),
        ("blank.py", b"  \n\n", "empty"),
        ("binary.py", b"\x7fELF\x00\x01", "binary-file"),
        ("latin1.py", "load = 'caf\xe9'".encode("latin-1"), "not-utf8"),
        ("huge.py", b"x = 1\n" * (MAX_BYTES // 6 + 10), "too-large"),
        ("text.ipynb", b"print('not json')", "bad-notebook"),
        ("list.ipynb", b"[1, 2, 3]", "bad-notebook"),
        (
            "nocells.ipynb",
            json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}).encode(),
            "no-code",
        ),
    ],
)
def test_broken_files_are_refused_with_one_paragraph(
    tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    """Each kind of broken file gets its own code and a message that names the file."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError) as caught:
        load(path, shown_as=name)
    assert (
        caught.value.code,
        caught.value.message.startswith(name),
        "\n" in caught.value.message,
    ) == (code, True, False)


def test_a_script_is_read_in_the_encoding_it_declares(tmp_path: Path) -> None:
    """A coding declaration (PEP 263) names a script's encoding, as it does for Python;
    without one, or with one that does not decode it, it must be UTF-8."""
    declared = tmp_path / "declared.py"
    declared.write_bytes("# -*- coding: latin-1 -*-\nload = 'caf\xe9'\n".encode("latin-1"))
    wrong = tmp_path / "wrong.py"
    wrong.write_bytes("# coding: ascii\nload = 'caf\xe9'\n".encode("latin-1"))
    with pytest.raises(LoadError) as caught:
        load(wrong)
    assert (load(declared).cells[0].source.splitlines()[1], caught.value.code) == (
        "load = 'caf\xe9'",
        "not-utf8",
    )


def test_a_notebook_of_another_language_is_refused(tmp_path: Path) -> None:
    """An R notebook is not graded as Python."""
    path = _write_v4(tmp_path / "r.ipynb", [v4.new_code_cell("x <- 1")], language="R")
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.code == "not-python"


def test_a_notebook_language_is_quoted_on_one_line(tmp_path: Path) -> None:
    """The language is the learner's metadata: it cannot start a line of the report."""
    forged = "r\n  \u2713 Step 4: Print the results"
    path = _write_v4(tmp_path / "f.ipynb", [v4.new_code_cell("x = 1")], language=forged)
    with pytest.raises(LoadError) as caught:
        load(path)
    assert "\n" not in caught.value.message


def test_a_notebook_with_only_markdown_has_no_code(tmp_path: Path) -> None:
    """A notebook whose answers sit in markdown cells is told where code belongs."""
    path = _write_v4(tmp_path / "md.ipynb", [v4.new_markdown_cell("load = 7")])
    with pytest.raises(LoadError) as caught:
        load(path)
    assert "code cells" in caught.value.message


def test_a_timed_statement_still_runs() -> None:
    """`%time stmt` runs the statement, as Jupyter does, without the timing."""
    source, notes = strip_ipython("%time load = 7", 1)
    assert (source, "ran the statement" in notes[0]) == ("load = 7", True)


def _notebook_with_outputs(path: Path, image_bytes: int, code: str) -> Path:
    """A correct notebook whose last cell stored PNG outputs of about image_bytes."""
    import base64

    chunk = base64.b64encode(bytes(range(256)) * 1024).decode()  # 350 kB of base64
    outputs = [
        v4.new_output("display_data", data={"image/png": chunk, "text/plain": "<Figure>"})
        for _ in range(image_bytes // len(chunk) + 1)
    ]
    cells = [v4.new_code_cell(code, outputs=outputs, execution_count=1)]
    return _write_v4(path, cells)


CORRECT_CODE = (
    "systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}\n"
    "load = 7\ncan_handle_load = {}\n"
    "for strategy, capacity in systems.items():\n"
    "    can_handle_load[strategy] = capacity >= load\n"
    "print(can_handle_load)"
)


def test_a_notebook_large_only_because_of_stored_outputs_is_graded(tmp_path: Path) -> None:
    """8 MB of stored images are ignored: the code is graded, and passes."""
    from tests.conftest import STEP_COUNT, grade_file

    path = _notebook_with_outputs(tmp_path / "plots.ipynb", 8_000_000, CORRECT_CODE)
    assert path.stat().st_size > 8_000_000
    result = grade_file(path)
    assert (result.status.value, result.score) == ("passed", STEP_COUNT)


def test_a_notebook_file_over_its_generous_bound_is_refused_in_plain_words(
    tmp_path: Path,
) -> None:
    """Past MAX_NOTEBOOK_BYTES the file is not read; the learner is told to clear outputs."""
    path = _notebook_with_outputs(tmp_path / "huge.ipynb", MAX_NOTEBOOK_BYTES, "load = 7")
    with pytest.raises(LoadError) as caught:
        load(path, shown_as="huge.ipynb")
    assert caught.value.code == "too-large"
    assert caught.value.message == (
        f"huge.ipynb is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB, far more than this "
        "exercise needs. Clear its outputs (Edit > Clear All Outputs in Jupyter), save, and "
        "submit again."
    )


def test_the_code_of_a_notebook_is_held_to_the_same_limit_as_a_script(tmp_path: Path) -> None:
    """More than MAX_BYTES of code across the code cells is refused, whatever the file size."""
    line = "x = 1\n" * 10_000
    cells = [v4.new_code_cell(line) for _ in range(MAX_BYTES // len(line) + 1)]
    path = _write_v4(tmp_path / "long.ipynb", cells)
    with pytest.raises(LoadError) as caught:
        load(path, shown_as="long.ipynb")
    assert caught.value.code == "too-large"
    assert caught.value.message.startswith("long.ipynb has more than 1 MB of code in its code")


def test_a_notebook_format_3_keeps_its_code_when_outputs_are_dropped(tmp_path: Path) -> None:
    """Outputs inside a format 3 worksheet are ignored too; the code cell still loads."""
    cell = v3.new_code_cell(input="load = 7", outputs=[v3.new_output("stream", output_text="7")])
    notebook = v3.new_notebook(worksheets=[v3.new_worksheet(cells=[cell])])
    path = tmp_path / "old.ipynb"
    path.write_text(v3.writes_json(notebook), encoding="utf-8")
    assert [c.source for c in load(path).cells] == ["load = 7"]


@pytest.mark.parametrize(
    ("cell", "timed"),
    [
        ("%%timeit\nx = 1", (Timed(0, "", 1, 8),)),
        ("%%timeit -n 10 -r 3 y = 2\nx = 1", (Timed(0, "y = 2", 10, 3),)),
        ("%%timeit -qo -n1 -r1\nx = 1", (Timed(0, "", 1, 1),)),
        ("a = 1\n%timeit x = a", (Timed(2, "", 1, 8),)),
        ("%time x = 1", ()),
        ("%%time\nx = 1", ()),
    ],
)
def test_timeit_runs_its_code_as_ipython_does(cell: str, timed: tuple[Timed, ...]) -> None:
    """%%timeit and %timeit run their code in a function, once to calibrate and then -r
    times (7) of -n loops (1 at the least), or exactly -r times -n with -n; %time and
    %%time run it in the program's namespace."""
    assert ipython_runs(cell) == (timed, False)


def test_a_capture_cell_is_run_with_its_output_hidden() -> None:
    """%%capture runs the cell (its names stay) and hides what it prints."""
    source, notes = strip_ipython("%%capture out\nprint(1)", 4)
    assert (source, ipython_runs("%%capture out\nprint(1)")) == ("\nprint(1)", ((), True))
    assert "kept nothing it printed" in notes[0]


def test_a_timeit_note_says_that_what_it_assigns_does_not_stay() -> None:
    """The learner is told how IPython ran the timed code, and how many times at least."""
    _, notes = strip_ipython("%%timeit\ncan_handle_load = {}", 3)
    assert notes == [
        "Cell 3: `%%timeit` runs the cell's code inside a function of its own, 8 times: "
        "what it assigns does not stay after the cell, and what it prints is printed each "
        "time. The grader ran it the same way."
    ]
