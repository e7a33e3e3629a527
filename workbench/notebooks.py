"""Run the notebooks as the main job: one local server, papermill, ``build/``, a summary.

``make run`` calls :func:`main`. Each notebook gets its own table on one managed moto server
started for the run, or on ``--endpoint URL`` (so they can run side by side), is executed by
papermill in a worker process that imports papermill once, and is written to
``build/notebooks/`` with an HTML rendering in ``build/html/``. A failed notebook fails the
job, after all the others have run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engines import SECRET_ENV
from .errors import WorkbenchError

NOTEBOOKS_DIR = Path("notebooks")
MODELS_DIR = Path("models")
BUILD_DIR = Path("build")
# The clock every notebook runs at, so their outputs (and the stored ones nbval checks) match.
NOW = "2026-11-22T07:45:00+00:00"
# The kernels sign with the run's server secret, handed down in their environment (SECRET_ENV).


@dataclass
class Outcome:
    """How one notebook run went."""

    notebook: str
    status: str
    seconds: float
    error: str = ""
    output: str = ""
    html: str = ""


def discover(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks (``NN-name.ipynb``) in order."""
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def parameters_for(notebook: Path, endpoint: str) -> dict[str, Any]:
    """The papermill parameters one notebook gets: the shared endpoint, its own table."""
    import papermill

    stem = notebook.stem.split("-", 1)[0]
    offered = {"endpoint": endpoint, "table_name": f"cruddur-messages-nb{stem}", "now": NOW}
    # Only what its parameters cell declares: papermill warns about any other name.
    declared = papermill.inspect_notebook(str(notebook))
    return {name: value for name, value in offered.items() if name in declared}


def ipc_kernel_config(folder: str) -> Any:
    """Kernel-manager config for a kernel whose sockets are files in ``folder`` (IPC).

    Not TCP ports on localhost, which anyone on the machine could connect to (the kernel
    warns about it on every start). ``folder`` must be this run's own: kernels started side
    by side in one folder would pick the same socket names.
    """
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(folder, "kernel")}})


def run_one(notebook: str, endpoint: str, build_dir: str, secret: str | None = None) -> Outcome:
    """Execute one notebook with papermill and render it to HTML (runs in a worker).

    :param secret: the secret key the kernel signs with (the run's own server's); None keeps
        the worker's ``WORKBENCH_SECRET_ACCESS_KEY``, if any.
    """
    path = Path(notebook)
    return execute(
        path,
        Path(build_dir) / "notebooks" / path.name,
        Path(build_dir) / "html" / f"{path.stem}.html",
        lambda: parameters_for(path, endpoint),
        name=path.name,
        secret=secret,
    )


def execute(
    source: Path,
    output: Path,
    html_path: Path,
    parameters: Callable[[], dict[str, Any]],
    *,
    name: str,
    secret: str | None = None,
    cwd: Path | None = None,
) -> Outcome:
    """Run ``source`` with papermill into ``output`` and render it to ``html_path``.

    Shared by the walkthrough notebooks and the model reports. A failure (of reading the
    notebook's parameters, running it or rendering it) becomes the :class:`Outcome`'s one-line
    ``error``, never an exception.

    :param parameters: gives the papermill parameters (read from the notebook, so it can fail).

    :param name: how the notebook is named in the summary.
    :param secret: the secret key the kernel signs with, put in its environment (never in a
        parameter the executed notebook would show); the caller's value is restored after.
    :param cwd: the kernel's working folder (default: the source's).
    """
    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError
    from nbconvert import HTMLExporter

    output.parent.mkdir(parents=True, exist_ok=True)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    saved = os.environ.get(SECRET_ENV)
    if secret is not None:
        os.environ[SECRET_ENV] = secret
    started = time.perf_counter()
    status, error = "passed", ""
    sockets = tempfile.mkdtemp(prefix="workbench-kernel-")
    try:
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=parameters(),
            kernel_name="python3",
            cwd=str(cwd or source.resolve().parent),
            progress_bar=False,
            shutdown_kernel="immediate",
            execution_timeout=600,
            config=ipc_kernel_config(sockets),
        )
    except papermill.PapermillExecutionError as exc:
        status, error = (
            "failed",
            describe_failure(exc.exec_count, exc.ename, exc.evalue, exc.traceback),
        )
    except CellTimeoutError as exc:
        status, error = "failed", f"timeout: {exc}"
    except Exception as exc:  # a kernel that died, a bad notebook file...
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
        if secret is not None:
            if saved is None:
                os.environ.pop(SECRET_ENV, None)
            else:
                os.environ[SECRET_ENV] = saved
    seconds = time.perf_counter() - started
    html = ""
    if output.exists():
        try:
            body, _ = HTMLExporter().from_notebook_node(nbformat.read(output, as_version=4))
            html_path.write_text(body, encoding="utf-8")
            html = str(html_path)
        except Exception as exc:  # an unreadable output or a full disk: say so, go on
            status, error = "failed", error or f"HTML rendering: {type(exc).__name__}: {exc}"
    return Outcome(name, status, seconds, error, str(output), html)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def describe_failure(cell: int, name: str, value: str, traceback: Sequence[str]) -> str:
    """One line for a failed cell: the error and, for a bare ``assert``, the failing line."""
    line = ""
    for frame in traceback:
        for text in _ANSI.sub("", frame).splitlines():
            if text.lstrip().startswith("---->"):
                # "----> 3 assert len(y) == 3": drop the arrow and the line number.
                line = text.split("---->", 1)[1].strip().split(" ", 1)[-1].strip()
    detail = f"{name}: {value}" if value else name
    return f"cell {cell}: {detail}" + (f" at `{line}`" if line else "")


def run_all(
    notebooks: Sequence[Path],
    *,
    endpoint: str | None = None,
    workers: int = 2,
    build_dir: Path = BUILD_DIR,
    models: Sequence[Path] = (),
) -> list[Outcome]:
    """Run ``notebooks`` against ``endpoint`` (default: a managed server started for the run).

    With an ``endpoint``, kernels sign with ``WORKBENCH_SECRET_ACCESS_KEY`` if it is set.

    :param models: model files whose report notebook runs too, into ``build_dir/models``.
    """
    server = None
    secret = None
    if endpoint is None:
        from .local import LocalServer

        server = LocalServer.start()
        endpoint, secret = server.endpoint, server.secret
        print(f"managed {server.version} server at {endpoint} ({server.mode})", flush=True)
    try:
        # Spawned workers: a forked child would inherit this process's threads and locks.
        context = multiprocessing.get_context("spawn")
        # Longest first (by the last run's times, else by size), so two workers finish
        # together instead of one waiting on a long notebook started last.
        order = sorted(notebooks, key=lambda nb: _estimate(nb, build_dir), reverse=True)
        with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=context) as pool:
            futures = [
                pool.submit(run_one, str(nb), endpoint, str(build_dir), secret) for nb in order
            ]
            futures += [
                pool.submit(run_model_report, str(m), endpoint, str(build_dir), secret)
                for m in models
            ]
            outcomes = []
            for future in as_completed(futures):
                outcomes.append(future.result())
                _progress(outcomes, len(futures))
            _progress([], 0)
        outcomes.sort(key=lambda o: o.notebook)
        _save_times(outcomes, build_dir)
        return outcomes
    finally:
        if server is not None:
            server.stop()


def discover_models(folder: Path = MODELS_DIR) -> list[Path]:
    """The model files whose report ``make run`` runs: all but the Cruddur walkthrough's.

    ``NAME.yaml`` only: ``NAME.traffic.yaml`` beside a model is a traffic profile, and
    ``NAME.json`` the same model exported for NoSQL Workbench.
    """
    return sorted(p for p in folder.glob("*.yaml") if "." not in p.stem and p.stem != "cruddur")


def run_model_report(model: str, endpoint: str, build_dir: str, secret: str | None) -> Outcome:
    """Run the report notebook of one model file (in a worker), on a table of its own."""
    from .report.notebook import run_report

    return run_report(
        model,
        Path(build_dir) / "models",
        endpoint=endpoint,
        table_name=f"report-{Path(model).stem}",
        secret=secret,
    )


def _progress(done: Sequence[Outcome], total: int) -> None:
    """One self-overwriting status line on a terminal (``total`` 0 clears it); nothing
    elsewhere: the summary at the end lists every notebook once."""
    if not sys.stderr.isatty():
        return
    if not total:
        sys.stderr.write("\r\033[K")
    else:
        failed = sum(o.status != "passed" for o in done)
        last = done[-1]
        sys.stderr.write(
            f"\r\033[K{len(done)}/{total} notebooks done ({failed} failed); "
            f"last: {last.notebook} {last.status} in {last.seconds:.1f}s"
        )
    sys.stderr.flush()


def _times_file(build_dir: Path) -> Path:
    return Path(build_dir) / "notebook-times.json"


def _estimate(notebook: Path, build_dir: Path) -> float:
    try:
        return float(json.loads(_times_file(build_dir).read_text())[notebook.name])
    except (OSError, ValueError, KeyError):
        return notebook.stat().st_size / 10_000  # bigger notebooks tend to take longer


def _save_times(outcomes: Sequence[Outcome], build_dir: Path) -> None:
    times = {o.notebook: round(o.seconds, 2) for o in outcomes if o.status == "passed"}
    Path(build_dir).mkdir(parents=True, exist_ok=True)
    _times_file(build_dir).write_text(json.dumps(times, indent=2, sort_keys=True))


def summary(outcomes: Sequence[Outcome], seconds: float, build_dir: Path = BUILD_DIR) -> str:
    """The table printed at the end: notebook, status, seconds."""
    width = max([len(o.notebook) for o in outcomes] + [8])
    lines = [f"{'notebook':<{width}}  {'status':<7}  seconds", "-" * (width + 18)]
    for o in outcomes:
        lines.append(f"{o.notebook:<{width}}  {o.status:<7}  {o.seconds:7.1f}")
    failed = sum(o.status != "passed" for o in outcomes)
    lines.append("-" * (width + 18))
    lines.append(
        f"{len(outcomes) - failed} passed, {failed} failed in {seconds:.1f}s; "
        f"executed notebooks in {build_dir}/notebooks, HTML in {build_dir}/html"
        + (
            f", model reports in {build_dir}/models"
            if any(o.notebook.startswith("models/") for o in outcomes)
            else ""
        )
    )
    for o in outcomes:
        if o.error:
            lines.append(f"FAILED {o.notebook}: {o.error} (see {o.output})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m workbench.notebooks [NOTEBOOK...] [--workers N] [--endpoint URL]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN-*.ipynb")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("NB_WORKERS", "2")))
    parser.add_argument(
        "--endpoint",
        default=os.environ.get("WORKBENCH_ENDPOINT") or None,
        help="use this DynamoDB (e.g. your own DynamoDB Local) instead of a "
        "managed server started for the run; default WORKBENCH_ENDPOINT",
    )
    parser.add_argument("--build-dir", type=Path, default=BUILD_DIR)
    args = parser.parse_args(argv)
    notebooks = args.notebooks or discover()
    # The report of every model under models/ (issue 11), unless notebooks were named.
    models = [] if args.notebooks else discover_models()
    if not notebooks:
        print("no notebooks found in notebooks/", file=sys.stderr)
        return 1
    started = time.perf_counter()
    try:
        outcomes = run_all(
            notebooks,
            endpoint=args.endpoint,
            workers=args.workers,
            build_dir=args.build_dir,
            models=models,
        )
    except WorkbenchError as exc:  # e.g. the run's server could not start: one line
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(summary(outcomes, time.perf_counter() - started, args.build_dir))
    return 0 if all(o.status == "passed" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
