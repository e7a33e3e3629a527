"""The Flask app factory: the Cruddur messages API and its page, on one engine and pool.

Errors become JSON with the right status and one clear message (never a traceback): 401 for
a missing or invalid token, 403 for a non-member, 404 for an unknown group or user, 422 for
invalid input (the CLI's problems), 400 for a body that is not JSON. CORS answers only the
app's own origins; there is no wildcard.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from ..app import Messenger
from ..errors import Forbidden, NotFound, ValidationError, WorkbenchError
from ..model import CRUDDUR
from .auth import AuthError, TokenVerifier

STATIC = Path(__file__).parent / "static"
EXTENSION = "workbench"
log = logging.getLogger(__name__)


@dataclass
class WebContext:
    """What the routes work with: the app services, the token check, and sign-in details.

    :param messenger: patterns A-D for the table and users directory.
    :param verifier: checks access tokens of the pool and app client.
    :param origins: the origins CORS answers (the app's own).
    """

    messenger: Messenger
    verifier: TokenVerifier
    origins: frozenset[str] = field(default_factory=frozenset)

    @property
    def engine(self) -> Any:
        """The engine the app's data and user pool live on."""
        return self.messenger.engine


def context() -> WebContext:
    """The running app's :class:`WebContext` (inside a request)."""
    from flask import current_app

    return current_app.extensions[EXTENSION]


def create_app(
    engine: Any,
    directory: Any,
    *,
    pool_id: str,
    client_id: str,
    table_name: str = CRUDDUR.table.name,
    origins: Iterable[str] = (),
    clock: Any = None,
    jwks: dict[str, Any] | None = None,
) -> Flask:
    """The messages app: the API under ``/api`` and the page at ``/`` and ``/messages/...``.

    :param engine: from :func:`workbench.connect`; its user pool signs the tokens.
    :param directory: the users directory (``sub`` -> user through ``cognito_user_id``).
    :param pool_id: the Cognito user pool whose access tokens are accepted.
    :param client_id: the app client tokens must be issued to (and sign-in uses).
    :param table_name: the messages table.
    :param origins: origins allowed by CORS, e.g. ``http://127.0.0.1:5000``.
    :param clock: the messages' clock (default: the real time).
    :param jwks: the pool's keys, instead of fetching them (for tests).
    """
    from .routes import api, pages

    app = Flask(__name__, static_folder=str(STATIC), static_url_path="/static")
    app.json.sort_keys = False  # keep the original's field order
    allowed = frozenset(o.rstrip("/") for o in origins)
    hosts = {urlsplit(o).hostname or "" for o in allowed}
    if allowed and not hosts & {"0.0.0.0", "::"}:
        # DNS rebinding: a page on evil.example resolving to 127.0.0.1 reaches this app with
        # its own Host; only the hosts the app is served from are answered (400 otherwise).
        # Served on every interface, its hosts are not known: the token is the only guard.
        app.config["TRUSTED_HOSTS"] = sorted(hosts)
    app.extensions[EXTENSION] = WebContext(
        Messenger(engine, directory, table_name, clock=clock),
        TokenVerifier(engine, pool_id, client_id, jwks),
        allowed,
    )
    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.after_request(_cors)
    app.register_error_handler(Exception, _error)
    return app


def _cors(response: Response) -> Response:
    origin = request.headers.get("Origin")
    if origin and origin in context().origins and request.path.startswith("/api/"):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers.add("Vary", "Origin")
    # The page inserts user data as text; a policy makes any slip inert as well.
    response.headers.setdefault(
        "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


STATUS = ((AuthError, 401), (Forbidden, 403), (NotFound, 404), (ValidationError, 422))


def error_body(exc: BaseException) -> tuple[dict[str, Any], int]:
    """The JSON body and status for an error raised while answering a request."""
    if isinstance(exc, HTTPException):
        return {"error": exc.description or exc.name}, exc.code or 500
    for kind, status in STATUS:
        if isinstance(exc, kind):
            body: dict[str, Any] = {"error": str(exc)}
            if isinstance(exc, ValidationError):
                body["errors"] = [
                    {"field": f, "code": code, "message": detail}
                    for f, code, detail in exc.problems
                ]
            return body, status
    if isinstance(exc, WorkbenchError):
        return {"error": str(exc)}, 500
    return {"error": "internal error: see the app's log"}, 500


def _error(exc: Exception) -> tuple[Response, int]:
    body, status = error_body(exc)
    if status >= 500:
        log.error("%s %s failed", request.method, request.path, exc_info=exc)
    if isinstance(exc, HTTPException) and not request.path.startswith("/api/"):
        return exc.get_response(), status  # type: ignore[return-value]
    response = jsonify(body)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cruddur"'
    return response, status
