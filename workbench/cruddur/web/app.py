"""The Flask app factory: the Cruddur messages API and its page, on one engine and pool.

Errors become JSON with the right status and one clear message (never a traceback): 401 for
a missing or invalid token, 403 for a non-member, 404 for an unknown group or user, 422 for
invalid input (the CLI's problems), 400 for a body that is not JSON or nests too deep, 404
for an unknown API path, 413 for a body over :data:`MAX_BODY` bytes, 429 while sign-ins are
refused after too many failures, 503 while the local server it follows is not running. CORS
answers only the app's own origins; there is no wildcard.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request
from werkzeug import exceptions as http_errors
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from ...errors import Forbidden, LocalNotRunning, NotFound, ValidationError, WorkbenchError
from ...model import CRUDDUR
from ..app import Messenger
from .auth import AuthError, KeysUnavailable, TokenVerifier
from .context import EXTENSION, STATIC, WebContext, context
from .throttle import TooManyAttempts

__all__ = ["EXTENSION", "STATIC", "WebContext", "context", "create_app", "error_body"]

# The largest request body read (a message is at most 1,024 characters: 4 KB of UTF-8).
MAX_BODY = 64 * 1024
log = logging.getLogger(__name__)


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
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY  # werkzeug reads no further: 413
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
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith(f"{api.name}."):
            app.view_functions[endpoint] = _following(view)
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


def _following(view: Callable[..., Any]) -> Callable[..., Any]:
    """``view``, tried once more if it failed because the server it uses was restarted."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = context()
        seen = ctx.followed
        try:
            return view(*args, **kwargs)
        except Exception as exc:
            if ctx.follow is None or not (
                isinstance(exc, KeysUnavailable) or error_body(exc)[1] >= 500
            ):
                raise
            with ctx.lock:  # one request re-reads the server; the others wait for it
                if ctx.followed == seen:
                    if not ctx.follow():
                        raise
                    ctx.followed += 1
        return view(*args, **kwargs)

    return wrapper


STATUS = (
    (AuthError, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (ValidationError, 422),
    (TooManyAttempts, 429),
    (LocalNotRunning, 503),
)


def error_body(exc: BaseException) -> tuple[dict[str, Any], int]:
    """The JSON body and status for an error raised while answering a request."""
    if isinstance(exc, RequestEntityTooLarge):
        return {"error": f"the request body is over {MAX_BODY} bytes, the most the app reads"}, 413
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
    if isinstance(exc, MethodNotAllowed) and set(exc.valid_methods or ()) <= {"OPTIONS"}:
        # Only the CORS preflight route (any path) matched: no route has this path.
        exc = http_errors.NotFound(f"no API route {request.method} {request.path}")
    body, status = error_body(exc)
    if status == 503:
        log.warning("%s %s: %s", request.method, request.path, body["error"])
    elif status >= 500:
        log.error("%s %s failed", request.method, request.path, exc_info=exc)
    if isinstance(exc, HTTPException) and not request.path.startswith("/api/"):
        return exc.get_response(), status  # type: ignore[return-value]
    response = jsonify(body)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cruddur"'
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response, status
