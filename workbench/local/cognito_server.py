"""A moto server that stands in for Cognito (there is no Cognito Local).

In-process for notebooks and tests (:func:`start_cognito_server`); as a detached process
beside the background DynamoDB Local (:func:`start_detached`), so a user pool outlives one CLI
command. Both listen on 127.0.0.1 only.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from .procs import kill_group, port_in_use, port_is_free, start_on_port, wait_until_serving
from .server import answers


def cognito_answers(endpoint: str, timeout: float = 2.0) -> bool:
    """True if a cognito-idp API answers ``ListUserPools`` at ``endpoint``."""
    return answers(endpoint, timeout, service="cognito-idp")


class CognitoServer:
    """An in-process moto server (a thread): ``endpoint``, ``port`` and :meth:`stop`.

    moto keeps its state per process, so every in-process server (and moto's in-process
    mock) of one Python process sees the same user pools.

    :param port: the port (default: one the kernel picks, so no other process can race us).
    :raises PortInUse: if ``port`` is taken.
    """

    def __init__(self, port: int | None = None) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        if port is not None and not port_is_free(port):
            # werkzeug's make_server answers a taken port with sys.exit(1): check first.
            raise port_in_use(port, "the Cognito stand-in")
        # werkzeug logs every request to stderr, which would land in notebook outputs.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        # moto's ThreadedMotoServer, but polling for shutdown every 50 ms instead of 500 ms:
        # closing a notebook's session should not wait half a second for it.
        self._server = make_server("127.0.0.1", port or 0,
                                   DomainDispatcherApplication(create_backend_app), True,
                                   request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True, name="workbench-cognito")
        self._thread.start()
        self.port: int = self._server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._stopped = False

    def stop(self) -> None:
        """Stop the server thread (safe to call twice)."""
        if not self._stopped:
            self._stopped = True
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()

    def __enter__(self) -> CognitoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"CognitoServer({self.endpoint!r})"


def start_cognito_server(port: int | None = None) -> CognitoServer:
    """Start an in-process moto server for cognito-idp and return it (``.endpoint``, ``.stop()``).

    :param port: the port (default: a free one).
    :raises PortInUse: if ``port`` is taken.
    """
    return CognitoServer(port)


def start_detached(log_path: Path, port: int | None = None,
                   timeout: float = 30.0) -> dict[str, Any]:
    """Start ``python -m moto.server`` in its own session, and wait until it answers.

    :param log_path: where its output goes.
    :param port: the port (default: a free one; retried if another process takes it first).
    :param timeout: seconds to wait for it to answer.
    :returns: ``{"pid", "port", "endpoint"}``.
    :raises PortInUse: if ``port`` is taken.
    :raises LocalError: if it exits or does not answer within ``timeout``.
    """
    if port is not None and not port_is_free(port):
        raise port_in_use(port, "the Cognito stand-in")
    return start_on_port(lambda chosen: _start_once(log_path, chosen, timeout), port)


def _start_once(log_path: Path, port: int, timeout: float) -> dict[str, Any]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(process, port, lambda: cognito_answers(endpoint, timeout=1.0),
                           what="the Cognito stand-in (moto server)", log_path=log_path,
                           timeout=timeout)
    except BaseException:
        kill_group(process.pid, 2.0)
        raise
    return {"pid": process.pid, "port": port, "endpoint": endpoint}
