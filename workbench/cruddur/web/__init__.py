"""The Cruddur messages app: the bootcamp's Flask API with Cognito sign-in, and its page.

:func:`create_app` builds the Flask app on an engine, users directory and user pool;
:func:`serve` runs it with everything it needs (``workbench app serve``);
:mod:`workbench.cruddur.web.signin` sets up local passwords and gets access tokens.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AppServer", "create_app", "prepare", "serve"]


def __getattr__(name: str) -> Any:
    # Flask is imported only when the app is used, not by `workbench cognito token`.
    if name == "create_app":
        from .app import create_app

        return create_app
    if name in ("AppServer", "prepare", "serve"):
        from . import server as module

        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
