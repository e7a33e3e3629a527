"""The routes: the bootcamp's messages API, a sign-in route, and the page's URLs.

==========================================  ====================================================
route                                       what it does
==========================================  ====================================================
``GET /api/message_groups``                 pattern B for the signed-in user: a list of groups
``GET /api/messages/<message_group_uuid>``  pattern A: the 20 latest messages, oldest first
``POST /api/messages``                      ``{message, message_group_uuid}`` (C) or
                                            ``{message, handle}`` (D)
``GET /api/users/@<handle>/short``          ``{uuid, handle, display_name}`` (public, as the
                                            original)
``POST /api/auth/sign_in``                  ``{handle, password}``: InitiateAuth on the server
``/``, ``/messages``, ``/messages/<uuid>``,  the page (one HTML file; JavaScript routes)
``/messages/new/<handle>``
==========================================  ====================================================
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, send_from_directory
from werkzeug.exceptions import BadRequest

from ...errors import CognitoError, Forbidden, NotFound, ValidationError
from .. import cognito
from .auth import AuthError, bearer_token
from .context import STATIC, context
from .signin import SignInRefused, sign_in

api = Blueprint("api", __name__, url_prefix="/api")
pages = Blueprint("pages", __name__)
# The API's bodies are flat objects; Python's parser would recurse into 100,000 brackets.
MAX_JSON_DEPTH = 32


def signed_in_user() -> Any:
    """The directory user whose access token came with this request.

    :raises AuthError: for a missing or invalid token.
    :raises Forbidden: for a valid token whose ``sub`` no directory user has.
    """
    claims = context().verifier.verify(bearer_token(request.headers.get("Authorization")))
    return user_for_claims(claims)


def user_for_claims(claims: dict[str, Any]) -> Any:
    """The directory user of verified token claims (``sub`` -> ``users.cognito_user_id``).

    :raises Forbidden: if no directory user has that Cognito id.
    """
    try:
        return cognito.user_for_sub(context().messenger.directory, claims["sub"])
    except (NotFound, CognitoError) as exc:
        raise Forbidden(
            f"signed in as {claims.get('username')!r}, but no user of the directory has that "
            "Cognito id: run `workbench db update-cognito-user-ids`",
            exc,
        ) from exc


def nests_deeper_than(raw: bytes, limit: int) -> bool:
    """True if the JSON text ``raw`` opens more than ``limit`` arrays or objects at once.

    A scan of the bytes, brackets inside strings skipped, that never recurses.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        elif byte in b"]}":
            depth -= 1
    return False


def _json_object() -> dict[str, Any]:
    # Reading the body raises 413 past the app's MAX_CONTENT_LENGTH.
    if nests_deeper_than(request.get_data(cache=True), MAX_JSON_DEPTH):
        raise BadRequest(f"the request body nests JSON over {MAX_JSON_DEPTH} levels deep")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError(
            [("body", "body_not_json_object", "the request body must be a JSON object")]
        )
    return body


@api.get("/message_groups")
def message_groups() -> Any:
    """Pattern B: the signed-in user's message groups, newest first."""
    me = signed_in_user()
    return jsonify(context().messenger.list_message_groups(me.handle).items)


@api.get("/messages/<message_group_uuid>")
def messages(message_group_uuid: str) -> Any:
    """Pattern A: a group's 20 latest messages, oldest first, for a member only."""
    me = signed_in_user()
    page = context().messenger.list_messages(me.handle, message_group_uuid)
    return jsonify(page.items)


@api.post("/messages")
def create_message() -> Any:
    """Pattern C (``message_group_uuid``) or D (``handle``): post a message."""
    me = signed_in_user()
    body = _json_object()
    sent = context().messenger.send_message(
        me.handle,
        body.get("message"),
        message_group_uuid=body.get("message_group_uuid"),
        to_handle=body.get("handle"),
    )
    return jsonify(sent.to_json())


@api.get("/users/@<handle>/short")
def users_short(handle: str) -> Any:
    """A user's public card: uuid, handle and display name."""
    user = context().messenger.directory.get_by_handle(handle)
    if user is None:
        raise NotFound(f"no user has the handle {handle!r}")
    return jsonify({"uuid": user.uuid, "handle": user.handle, "display_name": user.display_name})


@api.post("/auth/sign_in")
def auth_sign_in() -> Any:
    """Sign in with a handle and password (InitiateAuth USER_PASSWORD_AUTH, server-side).

    The browser cannot reach the guarded local server, so the app does it for the page.
    """
    body = _json_object()
    problems = [
        (name, f"{name}_blank", f"the {name} is blank")
        for name in ("handle", "password")
        if not isinstance(body.get(name), str) or not body[name].strip()
    ]
    if problems:
        raise ValidationError(problems)
    ctx = context()
    handle = body["handle"].strip()
    ctx.throttle.check(handle, request.remote_addr)  # 429 after too many failures
    try:
        result = sign_in(
            ctx.engine,
            handle,
            body["password"],
            pool=ctx.verifier.pool_id,
            client_id=ctx.verifier.client_id,
        )
    except SignInRefused as exc:
        ctx.throttle.failed(handle, request.remote_addr)
        raise AuthError(str(exc), exc.cause) from exc
    ctx.throttle.succeeded(handle)
    user = user_for_claims(ctx.verifier.verify(result["AccessToken"]))
    return jsonify(
        {
            "access_token": result["AccessToken"],
            "expires_in": result.get("ExpiresIn"),
            "handle": user.handle,
            "display_name": user.display_name,
        }
    )


@api.route("/<path:anything>", methods=["OPTIONS"])
def preflight(anything: str) -> Any:
    """CORS preflight: the headers come from the app's CORS hook (own origins only)."""
    return "", 204


@pages.get("/")
@pages.get("/messages")
@pages.get("/messages/<message_group_uuid>")
@pages.get("/messages/new/<handle>")
def page(**_: str) -> Any:
    """The single page; its JavaScript reads the URL."""
    response = send_from_directory(STATIC, "index.html")
    response.headers["Cache-Control"] = "no-store"
    return response
