"""Run the report notebook for one model file with papermill: ``NAME.ipynb`` and ``NAME.html``.

The notebook ships in the package (``workbench/data/model-report.ipynb``, built from
``notebooks/src/model-report.py`` by ``tools/build_notebooks.py``); its ``parameters`` cell
takes the model file, the engine and the sample-data seed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError

TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "model-report.ipynb"
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
) -> dict[str, Any]:
    """The papermill parameters of one report (the model file as an absolute path)."""
    return {
        "model_file": str(Path(model_file).resolve()),
        "engine": engine,
        "endpoint": endpoint,
        "table_name": table_name,
        "seed": seed,
        "count": count,
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
) -> Any:
    """Execute the report notebook for ``model_file``; write ``NAME.ipynb`` and ``NAME.html``
    (``NAME`` the file's stem) into ``output_dir``.

    :param engine: the engine the notebook's kernel connects to (``moto``: in the kernel).
    :param secret: the secret key the kernel signs with on ``endpoint`` (put in its
        environment, never in a parameter the executed notebook would show).
    :returns: a :class:`workbench.notebooks.Outcome` (status ``passed`` or ``failed``).
    :raises WorkbenchError: if the model file does not exist.
    """
    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError
    from nbconvert import HTMLExporter

    from ..notebooks import Outcome, describe_failure, ipc_kernel_config

    source = Path(model_file)
    if not source.is_file():
        raise WorkbenchError(f"model file {str(model_file)!r} does not exist")
    out_dir = Path(output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / f"{source.stem}.ipynb"
    saved = os.environ.get("WORKBENCH_SECRET_ACCESS_KEY")
    if secret is not None:
        os.environ["WORKBENCH_SECRET_ACCESS_KEY"] = secret
    sockets = tempfile.mkdtemp(prefix="workbench-kernel-")
    started = time.perf_counter()
    status, error = "passed", ""
    try:
        papermill.execute_notebook(
            str(TEMPLATE),
            str(output),
            parameters=report_parameters(
                source,
                engine=engine,
                endpoint=endpoint,
                table_name=table_name,
                seed=seed,
                count=count,
            ),
            kernel_name="python3",
            cwd=str(source.resolve().parent),
            progress_bar=False,
            shutdown_kernel="immediate",
            execution_timeout=600,
            config=ipc_kernel_config(sockets),
        )
    except papermill.PapermillExecutionError as exc:
        status = "failed"
        error = describe_failure(exc.exec_count, exc.ename, exc.evalue, exc.traceback)
    except CellTimeoutError as exc:
        status, error = "failed", f"timeout: {exc}"
    except Exception as exc:  # a kernel that died, an unreadable notebook...
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
        if secret is not None:
            if saved is None:
                os.environ.pop("WORKBENCH_SECRET_ACCESS_KEY", None)
            else:
                os.environ["WORKBENCH_SECRET_ACCESS_KEY"] = saved
    seconds = time.perf_counter() - started
    html = ""
    if output.exists():
        body, _ = HTMLExporter().from_notebook_node(nbformat.read(output, as_version=4))
        html_path = out_dir / f"{source.stem}.html"
        html_path.write_text(body, encoding="utf-8")
        html = str(html_path)
    return Outcome(f"models/{source.name}", status, seconds, error, str(output), html)


def report(
    model_file: str | Path,
    output_dir: str | Path = OUTPUT_DIR,
    *,
    engine: str | None = "moto",
    endpoint: str | None = None,
    seed: int | None = None,
    count: int | None = None,
) -> Any:
    """:func:`run_report`, raising when the report fails (for the CLI).

    Outside in-process moto the report's table is ``report-NAME``, so a table of yours that
    has the model's own name is never dropped.

    :raises ModelError: if the model file is refused (checked before the kernel starts).
    :raises WorkbenchError: naming the failed cell and where the executed notebook is.
    """
    from ..model.files import load_model

    load_model(model_file)  # a refused model is one clear line, not a failed notebook
    # The report drops and recreates its table: outside the kernel's own moto, one of its own.
    own = engine == "moto" and not endpoint
    outcome = run_report(
        model_file,
        output_dir,
        engine=None if endpoint else engine,
        endpoint=endpoint,
        table_name=None if own else f"report-{Path(model_file).stem}",
        seed=seed,
        count=count,
    )
    if outcome.status != "passed":
        raise WorkbenchError(
            f"the report of {str(model_file)!r} failed: {outcome.error} (see {outcome.output})"
        )
    return outcome
