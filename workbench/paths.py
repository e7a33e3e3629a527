"""Where the workbench keeps per-user files: the DynamoDB Local cache and running state."""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR = "cruddur-workbench"


def cache_dir() -> Path:
    """The download cache (DynamoDB Local lives here), outside any repository.

    ``WORKBENCH_CACHE_DIR`` overrides it; otherwise ``$XDG_CACHE_HOME/cruddur-workbench``
    or ``~/.cache/cruddur-workbench``.
    """
    if override := os.environ.get("WORKBENCH_CACHE_DIR"):
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / APP_DIR


def state_dir() -> Path:
    """Running state (the background DynamoDB Local, the default users database).

    ``WORKBENCH_STATE_DIR`` overrides it; otherwise ``$XDG_STATE_HOME/cruddur-workbench``
    or ``~/.local/state/cruddur-workbench``.
    """
    if override := os.environ.get("WORKBENCH_STATE_DIR"):
        return Path(override).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / APP_DIR
