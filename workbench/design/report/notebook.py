"""Run the report notebook for one model file with papermill: ``NAME.ipynb`` and ``NAME.html``.

The notebook ships in the package (``workbench/data/model-report.ipynb``, built from
``notebooks/src/model-report.py`` by ``tools/build_notebooks.py``); its ``parameters`` cell
takes the model file, the engine and the sample-data seed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import WorkbenchError

TEMPLATE = Path(__file__).resolve().parents[2] / "data" / "model-report.ipynb"
"""The report notebook, unexecuted."""
OUTPUT_DIR = Path("build") / "models"
"""Where ``workbench model report`` and ``make run`` write reports by default."""


def report_parameters(
    model_file: str | Path,
    *,
    engine: str | None = None,
    endpoint: str | None = None,
    table_name: str | None = None,
    seed: int | None = None,
    count: int | None = None,
    table: str | None = None,
) -> dict[str, Any]:
    """The papermill parameters of one report (the model file as an absolute path).

    :param table: the table of a file holding several (the notebook's ``model_table``).
    """
    return {
        "model_file": str(Path(model_file).resolve()),
        "engine": engine,
        "endpoint": endpoint,
        "table_name": table_name,
        "seed": seed,
        "count": count,
        "model_table": table,
    }


def run_report(
    model_file: str | Path,
    output_dir: str | Path = OUTPUT_DIR,
    *,
    engine: str | None = None,
    endpoint: str | None = None,
    table_name: str | None = None,
    seed: int | None = None,
    count: int | None = None,
    secret: str | None = None,
    table: str | None = None,
) -> Any:
    """Execute the report notebook for ``model_file``; write ``NAME.ipynb`` and ``NAME.html``
    (``NAME`` the file's stem, ``NAME-TABLE`` for a ``table``) into ``output_dir``.

    :param engine: the engine the notebook's kernel connects to (``moto``: in the kernel).
    :param table: the table NAME (``--table``; :func:`workbench.design.modelfile.load_model`).
    :param secret: the secret key the kernel signs with on ``endpoint`` (put in its
        environment, never in a parameter the executed notebook would show).
    :returns: a :class:`workbench.desk.execute.Outcome` (status ``passed`` or ``failed``).
    :raises WorkbenchError: if the model file does not exist.
    """
    from ...desk.execute import execute

    source = Path(model_file)
    if not source.is_file():
        raise WorkbenchError(f"model file {str(model_file)!r} does not exist")
    out_dir = Path(output_dir)
    parameters = report_parameters(
        source,
        engine=engine,
        endpoint=endpoint,
        table_name=table_name,
        seed=seed,
        count=count,
        table=table,
    )
    name = f"{source.stem}-{table}" if table else source.stem
    return execute(
        TEMPLATE,
        out_dir / f"{name}.ipynb",
        out_dir / f"{name}.html",
        lambda: parameters,
        name=f"models/{source.name}",
        secret=secret,
        cwd=source.resolve().parent,
    )


def report(
    model_file: str | Path,
    output_dir: str | Path = OUTPUT_DIR,
    *,
    engine: str | None = "moto",
    endpoint: str | None = None,
    seed: int | None = None,
    count: int | None = None,
    table: str | None = None,
) -> Any:
    """:func:`run_report`, raising when the report fails (for the CLI).

    Outside in-process moto the report's table is ``report-NAME`` (``report-TABLE`` for a
    ``table``), so a table of yours that has the model's own name is never dropped.

    :param table: the table NAME (``--table``): that table of a file holding several, else
        the file's one table under that name.

    :raises ModelError: if the model file is refused (checked before the kernel starts).
    :raises WorkbenchError: naming the failed cell and where the executed notebook is.
    """
    from ..modelfile import load_model

    load_model(model_file, table)  # a refused model is one clear line, not a failed notebook
    # The report drops and recreates its table: outside the kernel's own moto, one of its own.
    own = engine == "moto" and not endpoint
    outcome = run_report(
        model_file,
        output_dir,
        engine=None if endpoint else engine,
        endpoint=endpoint,
        table_name=table if own else f"report-{table or Path(model_file).stem}",
        seed=seed,
        count=count,
        table=table,
    )
    if outcome.status != "passed":
        raise WorkbenchError(
            f"the report of {str(model_file)!r} failed: {outcome.error} (see {outcome.output})"
        )
    return outcome
