"""The journal behind a ``--db-path`` snapshot: each applied table write, kept before its answer.

Snapshots are written every few seconds, so a write acknowledged since the last one would live
only in memory and ``kill -9`` of the server would lose it. The guard hands the journal every
request that succeeded and may have changed a table, under its request lock and before the
answer leaves; the journal appends it to ``journal-<generation>.jsonl`` in the ``--db-path``
folder with one ``write`` to the operating system, which keeps it when the process is killed.

A snapshot starts a new generation under the same lock and records its number, so the
snapshot plus the journals of that generation and later, replayed in order, is exactly the
acknowledged state: a replayed UpdateItem ``ADD`` or conditional write meets the very state it
met the first time. Once the snapshot is on disk the older journals are deleted.

Only what a snapshot holds is journaled (item writes, PartiQL, CreateTable, DeleteTable,
UpdateTable, and moto's own reset): replaying anything else (TTL, tags, backups) could fail on
a state the snapshot does not keep.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from ...errors import LocalError

PREFIX = "journal-"
SUFFIX = ".jsonl"
_NAME = re.compile(rf"^{PREFIX}(\d+){re.escape(SUFFIX)}$")
# DynamoDB operations whose effect a snapshot holds: tables, their shape and their items.
JOURNALED = frozenset(
    {
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchWriteItem",
        "TransactWriteItems",
        "ExecuteStatement",
        "BatchExecuteStatement",
        "ExecuteTransaction",
        "CreateTable",
        "DeleteTable",
        "UpdateTable",
    }
)
# The headers moto reads to route and run a DynamoDB request (service, region, operation).
_HEADERS = ("Host", "Authorization", "X-Amz-Target", "Content-Type")
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


class SnapshotError(LocalError):
    """A ``--db-path`` snapshot or journal cannot be restored (damaged, or another format)."""

    msg = "the --db-path snapshot cannot be restored"


def journal_path(db_path: str | Path, generation: int) -> Path:
    """The journal file of ``generation`` in ``db_path``."""
    return Path(db_path) / f"{PREFIX}{generation}{SUFFIX}"


def journal_files(db_path: str | Path) -> list[tuple[int, Path]]:
    """Every journal file in ``db_path`` with its generation, oldest first."""
    found = []
    for path in Path(db_path).glob(f"{PREFIX}*{SUFFIX}"):
        match = _NAME.match(path.name)
        if match:
            found.append((int(match[1]), path))
    return sorted(found)


def _entry(environ: dict[str, Any], body: bytes) -> dict[str, Any] | None:
    """What replaying this request needs, or None if it is not journaled."""
    path = environ.get("PATH_INFO", "")
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if not path.startswith("/moto-api/") and (
        not target.startswith("DynamoDB_") or target.rsplit(".", 1)[-1] not in JOURNALED
    ):
        return None
    headers = {}
    for name in _HEADERS:
        key = "CONTENT_TYPE" if name == "Content-Type" else "HTTP_" + name.upper().replace("-", "_")
        if environ.get(key) is not None:
            headers[name] = environ[key]
    entry: dict[str, Any] = {
        "method": environ.get("REQUEST_METHOD", "POST"),
        "path": path,
        "query": environ.get("QUERY_STRING", ""),
        "headers": headers,
        # Bytes that are not UTF-8 survive the round trip through JSON as lone surrogates.
        "body": body.decode("utf-8", "surrogateescape"),
    }
    credential = _CREDENTIAL.search(headers.get("Authorization", ""))
    if credential is not None:
        # moto picks the account from the access key (an IAM key it made, or the default
        # account); its IAM keys are not kept across a restart, so the replay names it.
        from moto.iam.models import get_account_id_from

        entry["account"] = get_account_id_from(credential[1])
    return entry


class Journal:
    """The append-only journal of one ``--db-path`` folder, written by the server.

    :param db_path: the ``--db-path`` folder.
    :param generation: the generation new entries go to (see :func:`next_generation`).
    """

    def __init__(self, db_path: str | Path, generation: int) -> None:
        self.folder = Path(db_path)
        self.generation = generation
        self._fd: int | None = None
        self._size = 0

    def record(self, environ: dict[str, Any], body: bytes) -> None:
        """Append the request (if it is one a snapshot holds) before its answer leaves.

        Called by the guard under its request lock, so entries are in the order applied.

        :raises OSError: if it cannot be written (then nothing of it is left in the file).
        """
        entry = _entry(environ, body)
        if entry is None:
            return
        line = (json.dumps(entry, separators=(",", ":")) + "\n").encode()
        if self._fd is None:
            path = journal_path(self.folder, self.generation)
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
            self._fd = os.open(path, flags, 0o600)
            self._size = os.fstat(self._fd).st_size
        view = memoryview(line)
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError:
            # A disk that filled up in the middle: no half entry may stay before the next.
            os.ftruncate(self._fd, self._size)
            raise
        self._size += len(line)

    def rotate(self) -> int:
        """Start a new generation (under the guard's lock, with the snapshot taken).

        :returns: the new generation, to record in the snapshot.
        """
        self.close()
        self.generation += 1
        return self.generation

    def discard_before(self, generation: int) -> None:
        """Delete the journals a snapshot on disk now holds (generations below ``generation``)."""
        for number, path in journal_files(self.folder):
            if number < generation:
                path.unlink(missing_ok=True)

    def close(self) -> None:
        """Close the current journal file (the next entry opens it again)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def next_generation(db_path: str | Path, since: int) -> int:
    """The generation a new server writes to: after the snapshot's and every journal's."""
    return max([since, *(number for number, _ in journal_files(db_path))]) + 1


def replay(db_path: str | Path, since: int) -> int:
    """Apply, in order, the journaled requests of generation ``since`` and later.

    A last line cut short (the server was killed while writing it) is skipped: its answer
    never left.

    :param since: the generation recorded in the snapshot just restored (0 for none).
    :returns: how many requests were replayed.
    :raises SnapshotError: if a journal cannot be read, or a request it holds fails again.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    app = DomainDispatcherApplication(create_backend_app)
    replayed = 0
    for number, path in journal_files(db_path):
        if number < since:
            continue  # already in the snapshot; deleted at the next save
        try:
            lines = path.read_bytes().split(b"\n")[:-1]
        except OSError as exc:
            raise _journal_error(path, f"it cannot be read ({exc.strerror})") from exc
        for line_number, line in enumerate(lines, 1):
            try:
                entry = json.loads(line)
                status, answer = _apply(app, entry)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise _journal_error(path, f"line {line_number} is damaged ({exc})") from exc
            if not status.startswith("2"):
                raise _journal_error(
                    path,
                    f"line {line_number} ({entry['headers'].get('X-Amz-Target', entry['path'])})"
                    f" failed when replayed: {status}: {answer[:200]!r}",
                )
            replayed += 1
    return replayed


def _apply(app: Any, entry: dict[str, Any]) -> tuple[str, bytes]:
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    headers = dict(entry["headers"])
    if entry.get("account"):
        headers["x-moto-account-id"] = entry["account"]
    builder = EnvironBuilder(
        path=entry["path"],
        method=entry["method"],
        query_string=entry.get("query") or None,
        headers=headers,
        data=entry["body"].encode("utf-8", "surrogateescape"),
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    body, status, _ = run_wsgi_app(app, environ, buffered=True)
    return status, b"".join(body)


def _journal_error(path: Path, reason: str) -> SnapshotError:
    return SnapshotError(
        f"cannot replay the --db-path journal {path} (the writes since the last snapshot): "
        f"{reason}. Nothing was changed: move {path.name} aside and start again (the tables "
        "come back as of the last snapshot), or start without --db-path"
    )
