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
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError
from .execute import Outcome, describe_failure, execute, ipc_kernel_config

__all__ = ["Outcome", "describe_failure", "execute", "ipc_kernel_config", "main", "run_all"]

NOTEBOOKS_DIR = Path("notebooks")
MODELS_DIR = Path("models")
BUILD_DIR = Path("build")
# The clock every notebook runs at, so their outputs (and the stored ones nbval checks) match.
NOW = "2026-11-22T07:45:00+00:00"
# The kernels sign with the run's server secret, handed down in their environment (SECRET_ENV).


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
        from ..engine.local import LocalServer

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
    from ..design.report.notebook import run_report

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
    """``python -m workbench.desk.notebooks [NOTEBOOK...] [--workers N] [--endpoint URL]``."""
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
