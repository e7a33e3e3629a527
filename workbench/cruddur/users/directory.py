"""The users directory: SQLite by default, PostgreSQL when ``DATABASE_URL`` says so.

Both backends run the same parameterised SQL (only the placeholder style and column types
differ) and return :class:`~workbench.cruddur.users.model.User` rows.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid as uuid_lib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...clock import format_ts
from ...errors import NotFound, UsersError, WorkbenchError
from ...paths import private_file
from ...redact import mask_secrets
from .model import MOCK, SEED_USERS, User, check_handle

COLUMNS = ("uuid", "display_name", "handle", "email", "cognito_user_id", "created_at")


class UsersDirectory(ABC):
    """Where Cruddur's users live; the same behaviour on SQLite and PostgreSQL."""

    url: str
    table = "users"
    _created_at_type = "TEXT"
    _uuid_type = "TEXT"

    def __init__(self) -> None:
        self._lock = threading.RLock()

    # -- backend hooks -------------------------------------------------------------------

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (``?`` placeholders) and commit; return any rows."""

    @abstractmethod
    def _is_unique_violation(self, exc: Exception) -> bool:
        """True if ``exc`` is a unique-constraint violation."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection."""

    def describe(self) -> str:
        """Where the directory is, safe to print (passwords masked)."""
        return mask_secrets(self.url, self.url)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()!r})"

    def __enter__(self) -> UsersDirectory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema --------------------------------------------------------------------------

    def setup(self) -> None:
        """Create the ``users`` table if it is missing (the handle is unique, unlike the
        bootcamp's schema, so a handle names exactly one user)."""
        self._execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            f"uuid {self._uuid_type} PRIMARY KEY, "
            "display_name TEXT NOT NULL, "
            "handle TEXT NOT NULL UNIQUE, "
            "email TEXT NOT NULL, "
            f"cognito_user_id TEXT NOT NULL DEFAULT '{MOCK}', "
            f"created_at {self._created_at_type} NOT NULL)"
        )

    def reset(self) -> None:
        """Drop and recreate the table (every user is lost)."""
        self._execute(f"DROP TABLE IF EXISTS {self.table}")
        self.setup()

    # -- reads ---------------------------------------------------------------------------

    def _row(self, row: tuple[Any, ...]) -> User:
        values = dict(zip(COLUMNS, row, strict=True))
        values["uuid"] = str(values["uuid"])
        created = values["created_at"]
        if isinstance(created, datetime):
            values["created_at"] = format_ts(created)
        return User(**values)

    def _select(self, where: str = "", params: Sequence[Any] = ()) -> list[User]:
        sql = f"SELECT {', '.join(COLUMNS)} FROM {self.table}"
        if where:
            sql += f" WHERE {where}"
        sql += " ORDER BY handle"
        return [self._row(row) for row in self._execute(sql, params)]

    def list_users(self) -> list[User]:
        """Every user, ordered by handle."""
        return self._select()

    def get_by_handle(self, handle: str) -> User | None:
        """The user with this handle, or None."""
        rows = self._select("handle = ?", (handle,))
        return rows[0] if rows else None

    def get_by_uuid(self, user_uuid: str) -> User | None:
        """The user with this uuid, or None."""
        try:
            user_uuid = str(uuid_lib.UUID(str(user_uuid)))
        except ValueError:
            return None
        rows = self._select("uuid = ?", (user_uuid,))
        return rows[0] if rows else None

    def get_by_cognito_user_id(self, sub: str) -> User | None:
        """The user whose Cognito id is ``sub``; the ``MOCK`` placeholder matches no one."""
        if not sub or sub == MOCK:
            return None
        rows = self._select("cognito_user_id = ?", (sub,))
        return rows[0] if rows else None

    def require_handle(self, handle: str) -> User:
        """The user with this handle.

        :raises NotFound: naming the handle and the known ones.
        """
        user = self.get_by_handle(handle)
        if user is None:
            known = [u.handle for u in self.list_users()]
            shown = known[:10] + (["..."] if len(known) > 10 else [])
            raise NotFound(f"no user with handle {handle!r} in {self.describe()}; known: {shown}")
        return user

    # -- writes --------------------------------------------------------------------------

    def add_user(
        self,
        display_name: str,
        handle: str,
        email: str,
        cognito_user_id: str = MOCK,
        uuid: str | None = None,
    ) -> User:
        """Insert a user.

        :raises UsersError: for an invalid or already-used handle (naming it).
        """
        check_handle(handle)
        for label, value in (("display_name", display_name), ("email", email)):
            if not isinstance(value, str) or not value.strip():
                raise UsersError(f"{label} {value!r} must be a non-blank string")
        user = User(
            str(uuid or uuid_lib.uuid4()),
            display_name,
            handle,
            email,
            cognito_user_id or MOCK,
            format_ts(datetime.now(UTC)),
        )
        try:
            self._execute(
                f"INSERT INTO {self.table} ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    user.uuid,
                    user.display_name,
                    user.handle,
                    user.email,
                    user.cognito_user_id,
                    self._created_param(user.created_at),
                ),
            )
        except Exception as exc:
            if self._is_unique_violation(exc):
                raise UsersError(
                    f"handle {handle!r} (or uuid {user.uuid}) is already taken", exc
                ) from exc
            raise
        return self.get_by_handle(handle) or user

    def _created_param(self, created_at: str) -> Any:
        return created_at

    def ensure_seed_users(self) -> list[User]:
        """Add the seed users that are missing (never duplicating or overwriting one)."""
        users = []
        with self._lock:
            for seed in SEED_USERS:
                user = self.get_by_handle(seed.handle)
                if user is None:
                    user = self.add_user(seed.display_name, seed.handle, seed.email, uuid=seed.uuid)
                users.append(user)
        return users

    def update_cognito_user_id(self, handle: str, sub: str) -> bool:
        """Set the Cognito id of the user with ``handle``; True if a row changed."""
        if not sub or not isinstance(sub, str):
            raise UsersError(f"Cognito id {sub!r} for {handle!r} must be a non-blank string")
        before = self.get_by_handle(handle)
        if before is None or before.cognito_user_id == sub:
            return False
        self._execute(
            f"UPDATE {self.table} SET cognito_user_id = ? WHERE handle = ?", (sub, handle)
        )
        return True


class SqliteDirectory(UsersDirectory):
    """Users in an SQLite file (or ``:memory:``)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = str(path)
        self.url = f"sqlite:///{self.path}"
        try:
            if self.path not in ("", ":memory:"):
                # E-mails and Cognito ids: 0600 in a 0700 folder. SQLite gives its journal
                # files the database file's mode.
                private_file(self.path)
            # One connection shared by threads (the stream runner, parallel seeding) behind
            # a lock.
            self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        except (WorkbenchError, sqlite3.Error) as exc:
            raise UsersError(
                f"cannot open the users database {self.describe()}: {exc}; set DATABASE_URL "
                "to a writable sqlite:///PATH",
                exc,
            ) from exc

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                cursor = self._conn.execute(sql, tuple(params))
                rows = cursor.fetchall()
                if self._conn.in_transaction:  # reads open none: nothing to commit
                    self._conn.commit()
                return rows
            except sqlite3.Error as exc:
                self._conn.rollback()
                if isinstance(exc, sqlite3.IntegrityError):
                    raise
                raise UsersError(f"users directory {self.describe()}: {exc}", exc) from exc

    def _is_unique_violation(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.IntegrityError)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class PostgresDirectory(UsersDirectory):
    """Users in PostgreSQL (``public.users``), through psycopg 3."""

    table = "public.users"
    _created_at_type = "TIMESTAMPTZ"
    _uuid_type = "UUID"

    def __init__(self, url: str) -> None:
        super().__init__()
        try:
            import psycopg
        except ImportError as exc:
            raise UsersError(
                "DATABASE_URL points at PostgreSQL but psycopg is not installed: "
                "pip install 'cruddur-workbench[postgres]'",
                exc,
            ) from exc
        self._psycopg = psycopg
        self.url = url
        try:
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            # The driver's message repeats the URL, password included.
            raise UsersError(
                mask_secrets(f"cannot connect to the users database {self.describe()}: {exc}", url),
                exc,
            ) from exc

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        sql = sql.replace("?", "%s")
        with self._lock:
            try:
                with self._conn.cursor() as cursor:
                    cursor.execute(sql, tuple(params))
                    return cursor.fetchall() if cursor.description else []
            except self._psycopg.errors.UniqueViolation:
                raise
            except self._psycopg.Error as exc:
                raise UsersError(
                    mask_secrets(f"users directory {self.describe()}: {exc}", self.url), exc
                ) from exc

    def _created_param(self, created_at: str) -> Any:
        return datetime.fromisoformat(created_at)

    def _is_unique_violation(self, exc: Exception) -> bool:
        return isinstance(exc, self._psycopg.errors.UniqueViolation)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
