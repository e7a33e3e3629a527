"""The users directory (SQLite by default, PostgreSQL via ``DATABASE_URL``)."""

from __future__ import annotations

import os
from pathlib import Path

from ...errors import UsersError
from ...paths import state_dir
from ...redact import mask_secrets
from .directory import PostgresDirectory, SqliteDirectory, UsersDirectory
from .model import MOCK, SEED_USERS, User, check_handle, seed_uuid

__all__ = [
    "MOCK",
    "SEED_USERS",
    "User",
    "UsersDirectory",
    "check_handle",
    "default_url",
    "open_directory",
    "seed_uuid",
]

ACCEPTED = (
    "sqlite:///PATH",
    "sqlite:///:memory:",
    "a path ending in .db/.sqlite/.sqlite3",
    "postgresql://USER@HOST:PORT/DB",
)


def default_url() -> str:
    """``DATABASE_URL`` if set, else an SQLite file in the workbench's state folder."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{state_dir() / 'users.db'}"


def open_directory(url: str | None = None) -> UsersDirectory:
    """Open (and set up) the users directory at ``url``.

    :param url: ``sqlite:///path.db``, ``sqlite:///:memory:``, a ``.db`` path, or
        ``postgresql://...``; default :func:`default_url`.
    :raises UsersError: for any other form, naming it and the accepted ones.
    """
    url = url or default_url()
    if url.startswith(("postgresql://", "postgres://")):
        directory: UsersDirectory = PostgresDirectory(url)
    elif url.startswith("sqlite:///"):
        directory = SqliteDirectory(url.removeprefix("sqlite:///"))
    elif url.startswith("sqlite://") and url.removeprefix("sqlite://") in ("", ":memory:"):
        directory = SqliteDirectory(":memory:")
    elif ":" not in url.split("/", 1)[0] and Path(url).suffix in (".db", ".sqlite", ".sqlite3"):
        directory = SqliteDirectory(url)
    else:
        raise UsersError(
            mask_secrets(f"users database {url!r} is not one of: {', '.join(ACCEPTED)}", url)
        )
    directory.setup()
    return directory
