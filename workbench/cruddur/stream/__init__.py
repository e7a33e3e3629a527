"""Pattern E: the stream handler (the Lambda), the local runner, and the Lambda zip."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .handler import Result, handle_records, lambda_handler

__all__ = [
    "DeadLetter",
    "Result",
    "RunStats",
    "StreamRunner",
    "handle_records",
    "lambda_handler",
    "package_lambda",
]

# The runner and the packager load on first use, so importing the handler stays light.
_LAZY = {
    "StreamRunner": "runner",
    "RunStats": "runner",
    "DeadLetter": "runner",
    "package_lambda": "package",
}

if TYPE_CHECKING:  # pragma: no cover
    from .package import package_lambda
    from .runner import DeadLetter, RunStats, StreamRunner


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench.cruddur.stream' has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
