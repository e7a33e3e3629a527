"""Running the app: everything it needs set up, the web server and the stream runner in threads.

:func:`prepare` makes the table, users, seed and local sign-in exist; :class:`AppServer` runs
the app and pattern E's runner until stopped; :func:`serve` is ``workbench app serve``.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from ...errors import LocalNotRunning, WorkbenchError
from ...model import CRUDDUR
from ...model.requests import Request
from .. import cognito
from .signin import LocalSignIn, setup_local_sign_in

DEFAULT_PORT = 4567  # the bootcamp's backend-flask port
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare` found or made."""

    sign_in: LocalSignIn
    created_table: bool
    seeded: bool


def _is_empty(engine: Any, table_name: str) -> bool:
    from ...engine.dynamo import send

    response = send(engine, Request("Scan", {"TableName": table_name, "Limit": 1}))
    return not response.get("Items")


def prepare(
    engine: Any,
    directory: Any,
    table_name: str = CRUDDUR.table.name,
    now: Any = None,
    password: str | None = None,
) -> Prepared:
    """Make what the app needs exist: the table, the seed users, the seed (when the table is
    new or empty), the local user pool with passwords, and ``users.cognito_user_id``.

    :param now: when the seed conversation ends (default: now).
    :param password: the users' local password (default: the pool's kept one, else new).
    :raises WorkbenchError: on ``aws`` (local passwords are never set there), or if a step
        fails.
    """
    from ...engine.tables import list_tables, schema_load
    from ..seeder import seed

    if engine.is_aws:
        raise WorkbenchError("the app's local sign-in is never set up on AWS: use the local engine")
    created = table_name not in list_tables(engine)
    schema_load(engine, table_name)
    directory.ensure_seed_users()
    seeded = created or _is_empty(engine, table_name)
    if seeded:
        seed(engine, table_name, directory=directory, now=now, progress=False)
    sign_in = setup_local_sign_in(engine, directory, password)
    cognito.update_cognito_user_ids(engine, directory, sign_in.pool_id)
    return Prepared(sign_in, created, seeded)


def origins_for(host: str, port: int) -> list[str]:
    """The origins the page is served from (CORS allows these and nothing else)."""
    names = {host, "127.0.0.1", "localhost", "::1"} if host in _LOOPBACK else {host}
    return sorted(f"http://{'[::1]' if name == '::1' else name}:{port}" for name in names)


class AppServer:
    """The app on a threaded werkzeug server, with the stream runner beside it.

    :param engine: where the table and user pool live.
    :param directory: the users directory.
    :param sign_in: from :func:`prepare` (pool and app client).
    :param table_name: the messages table.
    :param host: the interface to listen on.
    :param port: the port (0 for a free one).
    :param run_stream: run pattern E's stream runner, so group summaries follow new messages.
    :param stream_options: keyword arguments for :class:`~workbench.cruddur.stream.StreamRunner`.
    :param follow_background: ``engine`` is on the background instance: when a request
        fails, re-read that instance; if it was restarted, prepare it again (same password)
        and retry; if none runs, answer 503.
    """

    def __init__(
        self,
        engine: Any,
        directory: Any,
        sign_in: LocalSignIn,
        *,
        table_name: str = CRUDDUR.table.name,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        run_stream: bool = True,
        stream_options: dict[str, Any] | None = None,
        follow_background: bool = False,
    ) -> None:
        from .app import create_app

        try:
            self._server: BaseWSGIServer = make_server(host, port, None, threaded=True)  # type: ignore[arg-type]
        except OSError as exc:
            raise WorkbenchError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}): pass another --port",
                exc,
            ) from exc
        self.host = host
        self.port = self._server.server_port
        self.app = create_app(
            engine,
            directory,
            pool_id=sign_in.pool_id,
            client_id=sign_in.client_id,
            table_name=table_name,
            origins=origins_for(host, self.port),
        )
        self._server.app = self.app
        self.engine, self.directory, self.table_name = engine, directory, table_name
        self.sign_in = sign_in
        self._run_stream, self._stream_options = run_stream, stream_options or {}
        self.runner = self._runner()
        self._thread: threading.Thread | None = None
        if follow_background:
            self.app.extensions["workbench"].follow = self._follow

    def _runner(self) -> Any:
        from ..stream import StreamRunner

        if not self._run_stream:
            return None
        return StreamRunner(self.engine, self.table_name, on_failure="skip", **self._stream_options)

    def _follow(self) -> bool:
        """After a failed request: take up a restarted background instance.

        :returns: True if it had restarted (it is prepared again: retry the request).
        :raises LocalNotRunning: if none runs (the app answers 503).
        """
        from .auth import TokenVerifier

        try:
            if not self.engine.follow_background():
                return False
        except LocalNotRunning as exc:
            raise LocalNotRunning(
                "the local server is not running: start it with `workbench local start` "
                "(the app follows it)"
            ) from exc
        log.warning(
            "the local server restarted, now at %s: preparing it again (sign in again, "
            "same password)",
            self.engine.endpoint_url,
        )
        # Its user pool (and, in memory, its table) is new: make them, as at start.
        self.sign_in = prepare(
            self.engine, self.directory, self.table_name, password=self.sign_in.password
        ).sign_in
        context = self.app.extensions["workbench"]
        context.verifier = TokenVerifier(self.engine, self.sign_in.pool_id, self.sign_in.client_id)
        if self.runner is not None:  # its stream client and checkpoint were the old server's
            self.runner.stop()
            self.runner = self._runner()
            self.runner.start()
        return True

    @property
    def url(self) -> str:
        """The page's address."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def start(self) -> AppServer:
        """Serve in a background thread (and start the stream runner)."""
        if self.runner is not None:
            self.runner.start()
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="cruddur-app", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and stop the stream runner."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(10)
            self._thread = None
        self._server.server_close()
        if self.runner is not None:
            self.runner.stop()

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def local_engine(echo: Callable[[str], None] = print) -> Any:
    """Engine ``local`` on the background server, starting that server if none runs."""
    from ...engine.engines import connect
    from ...engine.local import current_instance, start_background

    if current_instance() is None:
        started = start_background()
        echo(f"started the local server at {started['endpoint']} (stop: workbench local stop)")
        for note in started.get("notes", []):
            echo(f"  note: {note}")
    return connect("local", autostart=False)


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    table_name: str = CRUDDUR.table.name,
    *,
    echo: Callable[[str], None] = print,
    wait: Callable[[], None] | None = None,
) -> None:
    """Run the messages app until Ctrl-C (``workbench app serve``).

    Starts the background local server if none runs, prepares the table, users, seed and
    sign-in (:func:`prepare`), runs the stream runner, and prints the URL and how to sign in.

    :param host: the interface to listen on (loopback by default: the app is for you).
    :param port: the port.
    :param table_name: the messages table.
    :param echo: where the lines for the user go.
    :param wait: blocks until the app should stop (default: until Ctrl-C or SIGTERM).
    :raises WorkbenchError: if something cannot be set up (the port is taken, ...).
    """
    from ..users import open_directory

    engine = local_engine(echo)
    directory = open_directory()
    try:
        prepared = prepare(engine, directory, table_name)
        with AppServer(
            engine,
            directory,
            prepared.sign_in,
            table_name=table_name,
            host=host,
            port=port,
            follow_background=True,
        ) as server:
            _announce(echo, server, engine, table_name, prepared)
            (wait or _until_interrupted)()
            echo("stopping the app (the local server keeps running: workbench local stop)")
    finally:
        directory.close()
        engine.close()


def _announce(
    echo: Callable[[str], None], server: AppServer, engine: Any, table: str, prepared: Prepared
) -> None:
    handles = list(prepared.sign_in.handles)
    names = ", ".join(handles[:-1]) + (f" or {handles[-1]}" if len(handles) > 1 else handles[0])
    echo(f"Cruddur messages app: {server.url}")
    echo(f"  data: {engine.describe()}, table {table}" + (" (seeded)" if prepared.seeded else ""))
    echo(f"  sign in as {names} with the local password: {prepared.sign_in.password}")
    echo("  a token for curl: workbench cognito token --as bayko")
    if server.host not in _LOOPBACK:
        echo(f"  warning: listening on {server.host}, so others on the network can reach it")
    echo("Ctrl-C stops it.")


def _until_interrupted() -> None:
    stop = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (e.g. from a process manager) stops as cleanly as Ctrl-C.
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
