"""The managed server process: ``python -m workbench.engine.local.serve`` (started by LocalServer).

It reads its settings as one JSON line on stdin (``secret``, ``port``, ``db_path``,
``ready_fd``), so the secret never appears on a command line, serves moto's app behind
:class:`~workbench.engine.local.guard.Guard` on 127.0.0.1 with werkzeug's threaded server (as moto's
``ThreadedMotoServer`` does), and writes one JSON line to ``ready_fd`` once it serves:
``{"port": N}``, or ``{"error": "port_in_use"}``, or ``{"error": "snapshot", "message":
"..."}`` (one line). With a ``db_path`` it restores the tables before that (the snapshot, then
the journal of the writes since), journals each write before answering it, saves the tables
every few seconds when they changed, and on SIGTERM.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import signal
import socket
import sys
import threading
from typing import Any

# moto reads this when it is imported: its own server must not answer CORS preflights.
os.environ["MOTO_DISABLE_GLOBAL_CORS"] = "true"

SAVE_INTERVAL = 2.0
EXIT_PORT_IN_USE = 98
EXIT_BAD_SNAPSHOT = 65  # EX_DATAERR


def _report(ready_fd: int, message: dict[str, Any]) -> None:
    with os.fdopen(ready_fd, "w") as out:
        out.write(json.dumps(message) + "\n")


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # As werkzeug does: a port whose last connection is in TIME_WAIT can be listened on again.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    return sock


def _install_moto_patches() -> None:
    """Queries that read their item collection, and transactions that copy what they touch,
    not the whole table (each guarded by the moto versions it was written for)."""
    from workbench.engine import (
        motocognito,
        motoexpressions,
        motofixes,
        motoindex,
        motopartiql,
        motoserialize,
        mototx,
    )

    motoindex.install()
    mototx.install()
    motofixes.install()  # results moto computes otherwise than DynamoDB (issue 18)
    motocognito.install()  # Cognito tokens signed with this instance's own key
    motopartiql.install()  # PartiQL run as DynamoDB runs it (issue 18)
    motoexpressions.install()  # key conditions, legacy Expected, transactions (issue 18)
    motoserialize.install()  # attribute values written out without moto's shape walk (issue 20)


class _Changes:
    """A counter of table changes, bumped by the guard, read by the saver."""

    def __init__(self) -> None:
        self.count = 0

    def bump(self) -> None:
        self.count += 1  # a lost increment under a race only delays a save to the next one


def serve(secret: str, port: int, db_path: str | None, ready_fd: int) -> int:
    """Serve until SIGTERM or SIGINT; the body of the server process.

    :returns: the process's exit code.
    """
    try:
        sock = _bind(port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            _report(ready_fd, {"error": "port_in_use"})
            return EXIT_PORT_IN_USE
        raise
    import moto.settings
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from . import persistence
    from .guard import Guard
    from .rules import Rules

    moto.settings.DISABLE_GLOBAL_CORS = True
    # The request log would fill the log file with one line per DynamoDB call.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    _install_moto_patches()
    journal = None
    if db_path is not None:
        try:
            restored = persistence.restore(db_path)
        except persistence.SnapshotError as exc:
            # One line for the user, not a traceback: the parent prints it as it is.
            print(exc, flush=True)
            _report(ready_fd, {"error": "snapshot", "message": str(exc)})
            return EXIT_BAD_SNAPSHOT
        print(
            f"restored {restored.tables} table(s) and replayed {restored.writes} journaled "
            f"write(s) from {db_path}",
            flush=True,
        )
        journal = persistence.Journal(db_path, restored.generation)
        if restored.writes:
            try:  # the snapshot takes the replayed writes in; the journals it holds go
                persistence.save(db_path, None, journal)
            except Exception as exc:  # they stay journaled: nothing is lost
                print(f"could not save the tables to {db_path}: {exc}", flush=True)
    changes = _Changes()
    bound = sock.getsockname()[1]
    app = Guard(
        Rules(DomainDispatcherApplication(create_backend_app)),
        secret,
        bound,
        on_change=changes.bump if db_path is not None else None,
        on_write=journal.record if journal is not None else None,
    )
    server = make_server(
        "127.0.0.1", bound, app, threaded=True, request_handler=MotoRequestHandler, fd=sock.fileno()
    )
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    _report(ready_fd, {"port": bound})
    print(f"serving on http://127.0.0.1:{bound}", flush=True)
    saved = 0
    while not stop.wait(SAVE_INTERVAL):
        if db_path is not None and changes.count != saved:
            seen = changes.count
            try:
                persistence.save(db_path, app.lock, journal)
            except Exception as exc:  # a full disk, a removed folder: keep serving, try again
                print(f"could not save the tables to {db_path}: {exc}; trying again", flush=True)
                continue
            saved = seen
    server.shutdown()
    if db_path is not None:
        persistence.save(db_path, app.lock, journal)
        print(f"saved the tables to {db_path}", flush=True)
    return 0


def main() -> int:
    """Read the settings from stdin and serve."""
    config = json.loads(sys.stdin.readline())
    sys.stdin.close()
    return serve(
        config["secret"], int(config["port"]), config.get("db_path"), int(config["ready_fd"])
    )


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # Everything worth keeping is saved: skip the interpreter's slow teardown of moto's state.
    os._exit(code)
