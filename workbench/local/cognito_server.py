"""A moto server that stands in for Cognito (there is no Cognito Local).

In-process for notebooks and tests (:func:`start_cognito_server`); as a detached process
beside the background DynamoDB Local, so a user pool outlives one CLI command.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import LocalError
from .server import answers, free_port


def cognito_answers(endpoint: str, timeout: float = 2.0) -> bool:
    """True if a cognito-idp API answers at ``endpoint``."""
    return answers(endpoint, timeout, service="cognito-idp")


class CognitoServer:
    """An in-process moto server (a thread); ``endpoint`` and ``stop()``."""

    def __init__(self, port: int | None = None) -> None:
        from moto.server import ThreadedMotoServer

        # werkzeug logs every request to stderr, which would land in notebook outputs.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.port = port or free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._stopped = False

    def stop(self) -> None:
        """Stop the server thread (safe to call twice)."""
        if not self._stopped:
            self._stopped = True
            self._server.stop()


def start_cognito_server(port: int | None = None) -> CognitoServer:
    """Start an in-process moto server for cognito-idp and return it."""
    return CognitoServer(port)


def start_detached(
    log_path: Path, port: int | None = None, timeout: float = 30.0
) -> dict[str, Any]:
    """Start ``python -m moto.server`` detached; return ``{"pid", "port", "endpoint"}``."""
    port = port or free_port()
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
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LocalError(
                f"the Cognito stand-in (moto server) exited with code "
                f"{process.returncode}; see {log_path}"
            )
        if cognito_answers(endpoint, timeout=1.0):
            return {"pid": process.pid, "port": port, "endpoint": endpoint}
        time.sleep(0.1)
    process.kill()
    raise LocalError(f"the Cognito stand-in did not answer on {endpoint} within {timeout:.0f}s")
