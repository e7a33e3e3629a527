"""The `make run` runner: a failing notebook fails the job, after every notebook has run."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from workbench.desk.notebooks import describe_failure, discover, main, parameters_for


def _notebook(path: Path, *cells: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("endpoint = None\ntable_name = 'x'\nnow = None")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, *(nbformat.v4.new_code_cell(c) for c in cells)]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)
    return path


def test_parameters_and_discovery(tmp_path: Path) -> None:
    for name in ("01-b.ipynb", "00-a.ipynb", "notes.ipynb", "1-c.ipynb"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in discover(tmp_path)] == ["00-a.ipynb", "01-b.ipynb"]
    assert parameters_for(Path("notebooks/03-patterns-a-b.ipynb"), "http://x") == {
        "endpoint": "http://x",
        "table_name": "cruddur-messages-nb03",
        "now": "2026-11-22T07:45:00+00:00",
    }
    # Only the names a notebook's parameters cell declares (papermill warns about others).
    assert parameters_for(Path("notebooks/09-what-it-costs.ipynb"), "http://x") == {
        "endpoint": "http://x"
    }


def test_a_bare_assert_is_named_by_its_line() -> None:
    traceback = [
        "\x1b[31mAssertionError\x1b[39m   Traceback (most recent call last)",
        "\x1b[32m----> \x1b[39m\x1b[32m3\x1b[39m \x1b[38;5;28;01massert\x1b[39;00m "
        "len(y) == \x1b[32m3\x1b[39m\n      4 print('no')\n",
    ]
    assert describe_failure(3, "AssertionError", "", traceback) == (
        "cell 3: AssertionError at `assert len(y) == 3`"
    )
    assert describe_failure(2, "KeyError", "'pk'", []) == "cell 2: KeyError: 'pk'"


def test_a_failing_notebook_fails_the_run_after_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _notebook(tmp_path / "00-good.ipynb", "x = 1 + 1", "assert x == 2\nprint('ok', x)")
    bad = _notebook(tmp_path / "01-bad.ipynb", "rows = [1, 2]", "assert len(rows) == 3")
    build = tmp_path / "build"
    # The endpoint is never called by these notebooks: no DynamoDB Local is needed.
    code = main(
        [str(good), str(bad), "--endpoint", "http://127.0.0.1:9", "--build-dir", str(build)]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "1 passed, 1 failed" in out and f"HTML in {build}/html" in out
    assert "FAILED 01-bad.ipynb: cell 4: AssertionError at `assert len(rows) == 3`" in out
    executed = nbformat.read(build / "notebooks" / "00-good.ipynb", as_version=4)
    assert "ok 2" in executed.cells[-1].outputs[0]["text"]
    # papermill injected the run's parameters after the parameters cell.
    assert "http://127.0.0.1:9" in executed.cells[1].source
    assert all((build / "html" / f"{n}.html").is_file() for n in ("00-good", "01-bad"))
    assert (build / "notebook-times.json").is_file()


def test_a_notebook_that_cannot_be_read_fails_alone(tmp_path: Path) -> None:
    # A broken .ipynb is one failed line in the summary, not a crash of the whole run.
    from workbench.desk.notebooks import run_one

    broken = tmp_path / "00-broken.ipynb"
    broken.write_text("{ not json")
    outcome = run_one(str(broken), "http://127.0.0.1:9", str(tmp_path / "build"))
    assert outcome.status == "failed" and outcome.notebook == "00-broken.ipynb"
    assert outcome.error and "\n" not in outcome.error
