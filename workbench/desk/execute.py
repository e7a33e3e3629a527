"""Running one notebook: papermill into a file, an HTML rendering, one :class:`Outcome`.

Shared by the ``make run`` runner (:mod:`workbench.desk.notebooks`) and the model report
(:mod:`workbench.design.report.notebook`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.engines import SECRET_ENV


@dataclass
class Outcome:
    """How one notebook run went."""

    notebook: str
    status: str
    seconds: float
    error: str = ""
    output: str = ""
    html: str = ""


def ipc_kernel_config(folder: str) -> Any:
    """Kernel-manager config for a kernel whose sockets are files in ``folder`` (IPC).

    Not TCP ports on localhost, which anyone on the machine could connect to (the kernel
    warns about it on every start). ``folder`` must be this run's own: kernels started side
    by side in one folder would pick the same socket names.
    """
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(folder, "kernel")}})


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
    from ..model.files import import_jsonschema

    import_jsonschema()  # before nbformat imports it: 4 s less per worker
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
