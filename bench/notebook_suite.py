"""Figure 4: `make run`'s wall time against its floor (trivial notebooks, same runner)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from .common import Figure

ROOT = Path(__file__).resolve().parent.parent


def trivial_notebook(path: Path) -> None:
    """A parameters cell and two trivial cells, like the smallest real notebook."""
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("endpoint = None\ntable_name = 'x'\nnow = None")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [
        parameters,
        nbformat.v4.new_code_cell("x = 1 + 1"),
        nbformat.v4.new_code_cell("assert x == 2"),
    ]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)


def _run(args: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "workbench.desk.notebooks", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started


def run(*, workers: int = 2, notebooks: list[Path] | None = None, rounds: int = 3) -> list[Figure]:
    """Both through ``python -m workbench.desk.notebooks``, each run with its one DynamoDB Local
    start.

    Floor and suite alternate, ``rounds`` times each; the figure is the ratio of the medians,
    so a busy moment on the machine does not decide it.
    """
    real = notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    times: dict[str, list[float]] = {"floor": [], "suite": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        trivial = []
        for index in range(len(real)):
            path = folder / f"{index:02d}-trivial.ipynb"
            trivial_notebook(path)
            trivial.append(str(path))
        runs = {"floor": trivial, "suite": [str(nb) for nb in real]}
        for round_ in range(rounds):
            for name in ("floor", "suite") if round_ % 2 == 0 else ("suite", "floor"):
                times[name].append(
                    _run(
                        [*runs[name], "--workers", str(workers), "--build-dir", str(folder / name)],
                        ROOT,
                    )
                )
        cells = {name: _cell_seconds(folder / name / "notebooks") for name in runs}
    floor, suite = statistics.median(times["floor"]), statistics.median(times["suite"])
    ratio = suite / floor
    extra = (cells["suite"] - cells["floor"]) / workers
    note = (
        f"the notebooks' cells alone run {cells['suite']:.1f} s (imports of pandas, boto3 "
        f"and matplotlib, tables, seeds, plots, a user pool) against {cells['floor']:.1f} s "
        f"for the floor's; on {workers} workers that is {extra:.1f} s"
        f" of the {suite - floor:.1f} s between them (see bench/README.md)"
    )
    return [
        Figure(
            4,
            f"notebook suite ({len(real)} notebooks) vs its floor",
            ratio,
            "<= 1.5x",
            ratio <= 1.5,
            details={
                "suite_seconds": suite,
                "floor_seconds": floor,
                "suite_runs": times["suite"],
                "floor_runs": times["floor"],
                "cell_seconds": cells,
                "workers": workers,
            },
            note=note,
        )
    ]


def _cell_seconds(folder: Path) -> float:
    """Seconds the kernels spent running cells, from papermill's metadata in ``folder``."""
    total = 0.0
    for path in folder.glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            total += cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0
    return total
