"""The running app's shared state, and where its page lives: used by the app and its routes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..app import Messenger
from .auth import TokenVerifier
from .throttle import SignInThrottle

STATIC = Path(__file__).parent / "static"
EXTENSION = "workbench"


@dataclass
class WebContext:
    """What the routes work with: the app services, the token check, and sign-in details.

    :param messenger: patterns A-D for the table and users directory.
    :param verifier: checks access tokens of the pool and app client.
    :param origins: the origins CORS answers (the app's own).
    :param follow: called when a request fails on the server's side: True if the server
        had been restarted and is taken up (the request is tried again), False if not;
        raises :class:`~workbench.errors.LocalNotRunning` if none runs (503).
    """

    messenger: Messenger
    verifier: TokenVerifier
    origins: frozenset[str] = field(default_factory=frozenset)
    follow: Callable[[], bool] | None = None
    followed: int = 0  # how many restarts were taken up
    lock: threading.Lock = field(default_factory=threading.Lock)
    throttle: SignInThrottle = field(default_factory=SignInThrottle)

    @property
    def engine(self) -> Any:
        """The engine the app's data and user pool live on."""
        return self.messenger.engine


def context() -> WebContext:
    """The running app's :class:`WebContext` (inside a request)."""
    from flask import current_app

    return current_app.extensions[EXTENSION]
