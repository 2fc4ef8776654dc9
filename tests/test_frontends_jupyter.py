"""`%load_ext grader` and `%grade`: in IPython's own shell, and in a real kernel.

The in-process tests drive IPython's InteractiveShell as a terminal IPython would; the
end-to-end test executes a notebook holding `%load_ext grader` and `%grade` in an
ipykernel kernel with nbclient, as Jupyter does. The grader itself always runs as a
real process of its own.
"""

from __future__ import annotations

import builtins
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import nbformat
import pytest

from grader.frontends.jupyter import NOT_FOUND, GradeView
from tests.conftest import REFERENCE, STEP_COUNT, SUBMISSIONS, progress

interactiveshell = pytest.importorskip(
    "IPython.core.interactiveshell", reason="install the test extra: ipython"
)
traitlets_config = pytest.importorskip("traitlets.config", reason="IPython brings traitlets")


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An IPython shell with the extension loaded, working in an empty folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    private(monkeypatch, tmp_path)
    # History in memory: nothing written under the home folder, nothing left to close.
    config = traitlets_config.Config()
    config.HistoryManager.hist_file = ":memory:"
    ipython = interactiveshell.InteractiveShell.instance(config=config)
    ipython.run_cell("%load_ext grader", store_history=False)
    yield ipython
    ipython.run_cell("%unload_ext grader", store_history=False)
    interactiveshell.InteractiveShell.clear_instance()


def private(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Keep IPython's profile and Jupyter's connection files out of the home folder."""
    monkeypatch.setenv("IPYTHONDIR", str(folder / ".ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(folder / ".jupyter-runtime"))


def view_of(shell: Any, line: str = "") -> GradeView:
    """Run %grade's work and return what it would show."""
    magic = shell.find_line_magic("grade")
    session = magic.__self__
    view = session.view(line)
    assert isinstance(view, GradeView)
    return view


def formatted(shell: Any, view: GradeView) -> dict[str, str]:
    """Return the MIME bundle IPython makes of a view: HTML for notebooks, text for terminals."""
    data, _ = shell.display_formatter.format(view)
    return data  # type: ignore[no-any-return]


def test_import_grader_does_not_import_ipython() -> None:
    """The extension's entry point is in the package; IPython loads only with %load_ext."""
    done = subprocess.run(
        [sys.executable, "-c", "import grader, sys; print('IPython' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"


def test_grade_shows_marks_feedback_and_the_line_to_fix_as_html(shell: Any) -> None:
    """In a notebook: a mark per step, the failed step's feedback and hint, and where."""
    shutil.copy(SUBMISSIONS / "step3-strict-greater.py", "mine.py")
    html = formatted(shell, view_of(shell, "mine.py"))["text/html"]
    assert "✗</span> Step 3: Determine which strategies can handle the load" in html
    assert "at line 9" in html  # the comparison's line, found by the repair search
    assert "capacity &gt;= load</code>" in html
    assert "Hint:" not in html  # the feedback says what to do; the hint would not fit
    assert progress(STEP_COUNT - 1) in html


def test_grade_prints_the_text_report_in_a_terminal_ipython(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a terminal there is no HTML: the learner reads the text report."""
    shutil.copy(SUBMISSIONS / "step3-strict-greater.py", "mine.py")
    shell.run_line_magic("grade", "mine.py")
    out = capsys.readouterr().out
    assert (progress(STEP_COUNT - 1) in out, "<div" in out) == (True, False)


def test_the_learners_code_never_runs_in_the_kernel(shell: Any, tmp_path: Path) -> None:
    """The program runs in the grader's child: the kernel's own state is untouched."""
    (tmp_path / "sneaky.py").write_text(
        "import builtins\nbuiltins.ran_in_the_kernel = True\n", encoding="utf-8"
    )
    view_of(shell, "sneaky.py")
    assert not hasattr(builtins, "ran_in_the_kernel")


def test_grade_finds_the_notebook_from_jupyter_servers_session_name(
    shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jupyter Server names the notebook in JPY_SESSION_NAME; the report names it so."""
    shutil.copy(REFERENCE / "solution.ipynb", "lesson.ipynb")
    monkeypatch.setenv("JPY_SESSION_NAME", "course/week1/lesson.ipynb")
    text = formatted(shell, view_of(shell))["text/plain"]
    assert ("lesson.ipynb" in text, progress(STEP_COUNT) in text) == (True, True)


def test_grade_finds_the_notebook_vs_code_names(shell: Any, tmp_path: Path) -> None:
    """VS Code puts the notebook's path in __vsc_ipynb_file__."""
    notebook = tmp_path / "elsewhere" / "vs.ipynb"
    notebook.parent.mkdir()
    shutil.copy(REFERENCE / "solution.ipynb", notebook)
    shell.user_ns["__vsc_ipynb_file__"] = str(notebook)
    text = formatted(shell, view_of(shell))["text/plain"]
    assert text.splitlines()[0] == "vs.ipynb"


def test_grade_says_how_to_name_the_notebook_when_nothing_tells(shell: Any) -> None:
    """Outside Jupyter Server, VS Code and Colab: one line saying what to type."""
    assert view_of(shell).notes == (NOT_FOUND,)


def test_a_notebook_saved_before_the_last_run_cell_gets_a_save_first_note(shell: Any) -> None:
    """The grader reads the file: a learner whose latest code is unsaved is told to save."""
    shutil.copy(REFERENCE / "solution.ipynb", "lesson.ipynb")
    an_hour_ago = time.time() - 3600
    os.utime("lesson.ipynb", (an_hour_ago, an_hour_ago))
    shell.run_cell("load = 7")
    notes = view_of(shell, "lesson.ipynb").notes
    assert any("save it" in note for note in notes)


def test_a_cell_run_with_a_later_count_than_the_saved_file_holds_gets_a_save_first_note(
    shell: Any,
) -> None:
    """Cells run before %load_ext count too: the saved execution counts tell."""
    notebook = nbformat.read(REFERENCE / "solution.ipynb", as_version=4)
    for count, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
        cell.execution_count = count + 1
    shell.run_cell("load = 7", store_history=True)
    nbformat.write(notebook, "lesson.ipynb")
    while shell.execution_count <= len(notebook.cells) + 1:
        shell.run_cell("print(load)", store_history=True)
    notes = view_of(shell, "lesson.ipynb").notes
    assert any("save it" in note for note in notes)


def test_a_notebook_saved_after_the_last_run_cell_gets_no_note(shell: Any) -> None:
    """Cells of %grade itself do not count as the learner's work."""
    shell.run_cell("load = 7")
    time.sleep(0.05)
    shutil.copy(REFERENCE / "solution.ipynb", "lesson.ipynb")
    shell.run_cell("%grade lesson.ipynb")
    assert view_of(shell, "lesson.ipynb").notes == ()


def test_a_real_kernel_runs_load_ext_and_grade_in_a_notebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """nbclient runs the notebook in ipykernel; %grade shows the notebook's HTML grade."""
    nbclient = pytest.importorskip("nbclient", reason="install the test extra: nbclient")
    pytest.importorskip("ipykernel", reason="install the test extra: ipykernel")
    notebook = nbformat.read(REFERENCE / "solution.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("%load_ext grader"))
    notebook.cells.append(nbformat.v4.new_code_cell("%grade"))
    path = tmp_path / "lesson.ipynb"
    nbformat.write(notebook, path)
    # As Jupyter Server does for the kernel of an open notebook.
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    private(monkeypatch, tmp_path)
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    outputs = notebook.cells[-1].outputs
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert progress(STEP_COUNT) in html
    assert "lesson.ipynb" in html
    # The solution's cells ran after the file was written: the grade says to save.
    assert "save it" in html


def test_grade_in_a_real_notebook_shows_the_text_reports_words_and_no_magic_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The HTML %grade shows reads as the text report does; `%grade` itself is no note."""
    nbclient = pytest.importorskip("nbclient", reason="install the test extra: nbclient")
    pytest.importorskip("ipykernel", reason="install the test extra: ipykernel")
    notebook = nbformat.read(REFERENCE / "solution.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and "load = 7" in cell.source:
            cell.source = cell.source.replace("load = 7", "load = 7,")  # a tuple: step 2 fails
    notebook.cells.append(nbformat.v4.new_code_cell("%load_ext grader"))
    notebook.cells.append(nbformat.v4.new_code_cell("%grade"))
    path = tmp_path / "lesson.ipynb"
    nbformat.write(notebook, path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    private(monkeypatch, tmp_path)
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
        allow_errors=True,  # the learner's cell fails, as the mistake makes it
    )
    client.execute()
    data = [o.get("data", {}) for o in notebook.cells[-1].outputs if "data" in o]
    html = "".join(d.get("text/html", "") for d in data)
    text = "".join(d.get("text/plain", "") for d in data)
    # Inline tags (code, a mark's colour) join their words; a block starts a new line.
    seen = unescape(re.sub(r"<[^>]+>", "\n", re.sub(r"</?(code|span|b)\b[^>]*>", "", html)))
    assert words(seen) == words(text)
    assert ("✗" in seen, "○" in seen, "only works in Jupyter" in text) == (True, True, False)


def words(text: str) -> str:
    """The words of a report: spaces folded, the text's gutters and backticks dropped."""
    lines = [re.sub(r"^\s*\| ?", "", line) for line in text.split("\n")]
    return " ".join(" ".join(lines).replace("`", "").split())
