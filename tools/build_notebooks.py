"""Build the committed notebooks from their sources, with fresh, deterministic outputs.

The sources are ``notebooks/src/NN-name.py`` (jupytext percent format, easy to review and
lint); the product is ``notebooks/NN-name.ipynb`` with stored outputs that nbval checks.
Run ``make notebooks`` after editing a source (or after a dependency changes an output).

    python tools/build_notebooks.py [NN-name ...] [--check]

``--check`` fails if a notebook's cells differ from its source (a test runs it).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from workbench.desk.notebooks import ipc_kernel_config

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "notebooks" / "src"
TARGETS = ROOT / "notebooks"
# The model report is a template run for any model file (workbench/design/report/notebook.py): it
# ships in the package without outputs, and is no numbered walkthrough notebook.
REPORT_SOURCE = SOURCES / "model-report.py"
REPORT_TARGET = ROOT / "workbench" / "data" / "model-report.ipynb"
# The marker of cells whose output varies from run to run (nbval does not compare it).
IGNORED = "NBVAL_IGNORE_OUTPUT"
# The kernel `make lab` installs: JupyterLab opens the notebooks in the project's own env.
KERNELSPEC = {
    "display_name": "Python (cruddur-workbench)",
    "language": "python",
    "name": "cruddur-workbench",
}


def from_source(source: Path) -> nbformat.NotebookNode:
    """The notebook for a source file, with stable metadata and cell ids."""
    notebook = jupytext.read(source)
    notebook.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    for index, cell in enumerate(notebook.cells):
        cell.id = f"{source.stem[:2]}-{index:02d}"
        cell.metadata = {k: v for k, v in cell.metadata.items() if k == "tags"}
    return notebook


def execute(notebook: nbformat.NotebookNode) -> None:
    """Run it in the notebooks folder, isolated from any running background instance."""
    with tempfile.TemporaryDirectory() as state:
        saved = {
            k: os.environ.get(k)
            for k in (
                "WORKBENCH_STATE_DIR",
                "WORKBENCH_ENGINE",
                "WORKBENCH_ENDPOINT",
                "DATABASE_URL",
            )
        }
        os.environ["WORKBENCH_STATE_DIR"] = state
        for key in ("WORKBENCH_ENGINE", "WORKBENCH_ENDPOINT", "DATABASE_URL"):
            os.environ.pop(key, None)
        try:
            NotebookClient(
                notebook,
                kernel_name="python3",
                timeout=600,
                resources={"metadata": {"path": str(TARGETS)}},
                config=ipc_kernel_config(state),
            ).execute()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    notebook.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    for cell in notebook.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k == "tags"}
        if cell.cell_type == "code" and IGNORED in cell.source:
            # What nbval does not compare varies from run to run (ports, Cognito subs): storing
            # it would change the committed notebook on every build, so it is not stored.
            cell.outputs = []
            cell.execution_count = None


def sources_match(source: Path, target: Path) -> bool:
    """True if the committed notebook's cells are exactly its source's."""
    if not target.exists():
        return False
    built = from_source(source)
    stored = nbformat.read(target, as_version=4)
    pairs = list(zip(built.cells, stored.cells, strict=False))
    return len(built.cells) == len(stored.cells) and all(
        a.cell_type == b.cell_type and a.source == b.source for a, b in pairs
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="e.g. 03-patterns-a-b (default: all)")
    parser.add_argument("--check", action="store_true", help="only check sources match")
    args = parser.parse_args(argv)
    sources = sorted(SOURCES.glob("[0-9][0-9]-*.py"))
    if args.names:
        sources = [s for s in sources if s.stem in args.names or s.stem[:2] in args.names]
    stale = []
    for source in sources:
        target = TARGETS / f"{source.stem}.ipynb"
        if args.check:
            if not sources_match(source, target):
                stale.append(target.name)
            continue
        print(f"building {target.relative_to(ROOT)}", flush=True)
        notebook = from_source(source)
        execute(notebook)
        nbformat.write(notebook, target)
    if not args.names or REPORT_SOURCE.stem in args.names:
        if args.check:
            if not sources_match(REPORT_SOURCE, REPORT_TARGET):
                stale.append(REPORT_TARGET.name)
        else:
            print(f"building {REPORT_TARGET.relative_to(ROOT)} (a template: not executed)")
            nbformat.write(from_source(REPORT_SOURCE), REPORT_TARGET)
    if stale:
        print(f"out of date with notebooks/src: {stale}; run `make notebooks`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
