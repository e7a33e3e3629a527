"""Cognito sync: who is who in the user pool, and ``users.cognito_user_id`` kept in step.

Locally the user pool is a moto cognito-idp pool in the managed local server, beside the table;
against AWS it is ``AWS_COGNITO_USER_POOL_ID`` on ``--engine aws``. On engine
``endpoint`` it is the endpoint's own Cognito API (a moto server serves one), or
``WORKBENCH_COGNITO_ENDPOINT``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from ..errors import CognitoError, NotFound
from ..paths import state_dir, write_private
from .users import MOCK, User, UsersDirectory

POOL_NAME = "cruddur-user-pool"
POOL_ENV = "AWS_COGNITO_USER_POOL_ID"


def _call(client: Any, method: str, **params: Any) -> dict[str, Any]:
    try:
        return getattr(client, method)(**params)
    except (ClientError, BotoCoreError) as exc:
        raise CognitoError(f"cognito-idp {method} failed: {exc}", exc) from exc


def cognito_client(engine: Any) -> Any:
    """The ``cognito-idp`` client for ``engine``'s user pools.

    On engine ``endpoint`` with no ``WORKBENCH_COGNITO_ENDPOINT``, that is the endpoint's own
    Cognito API, checked to answer: a stand-in started for one command would vanish with
    it, pool and users included (issue 10, item 8).

    :raises CognitoError: if the endpoint serves no Cognito API, saying what to do.
    """
    if engine.name != "endpoint" or engine.cognito_endpoint_url:
        return engine.client("cognito-idp")
    url = engine.endpoint_url
    engine.cognito_endpoint_url = url
    client = engine.client("cognito-idp")
    try:
        client.list_user_pools(MaxResults=1)
    except EndpointConnectionError as exc:
        raise CognitoError(
            f"nothing answers at {url}: start the server there, or give another --endpoint", exc
        ) from exc
    except (ClientError, BotoCoreError) as exc:
        raise CognitoError(
            f"the endpoint {url} serves no Cognito API ({exc.__class__.__name__}): set "
            "WORKBENCH_COGNITO_ENDPOINT to one (for example a moto server), or use the "
            "managed server (`workbench local start`, then no --endpoint)",
            exc,
        ) from exc
    return client


def _pools_file() -> Any:
    return state_dir() / "cognito.json"


def _remember_pool(engine: Any, pool: str) -> None:
    path = _pools_file()
    try:
        known = json.loads(path.read_text())
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):  # a hand-edited or foreign file: start afresh
        known = {}
    known[_pool_key(engine)] = pool
    write_private(path, json.dumps(known, indent=2, sort_keys=True))


def _pool_key(engine: Any) -> str:
    # Keyed by where the pool lives, so a restarted moto server never gets a stale id.
    client = cognito_client(engine)
    return f"{engine.name}:{client.meta.endpoint_url}"


def pool_id(engine: Any, pool: str | None = None) -> str:
    """The user pool to use: ``pool``, else ``AWS_COGNITO_USER_POOL_ID``, else the local one.

    :raises CognitoError: telling the user how to get one.
    """
    if pool:
        return pool
    if env := os.environ.get(POOL_ENV):
        return env
    if engine.is_aws:
        raise CognitoError(f"set {POOL_ENV} to your user pool id to use Cognito on AWS")
    try:
        known = json.loads(_pools_file().read_text())
    except (OSError, ValueError):
        known = {}
    stored = known.get(_pool_key(engine)) if isinstance(known, dict) else None
    if stored:
        listed = _call(cognito_client(engine), "list_user_pools", MaxResults=60)
        if any(p["Id"] == stored for p in listed.get("UserPools", [])):
            return stored
    raise CognitoError(
        f"no local user pool yet: run `workbench cognito setup-local` (or set {POOL_ENV})"
    )


def setup_local_pool(engine: Any, directory: UsersDirectory, pool_name: str = POOL_NAME) -> str:
    """Create (or reuse) the local user pool and add every directory user missing from it.

    :returns: the pool id.
    :raises CognitoError: on ``aws`` (use your real pool there), if the engine serves no
        Cognito API, or if the pool is gone right after setup.
    """
    if engine.is_aws:
        raise CognitoError(
            "setup-local builds a local stand-in pool and refuses to touch AWS; "
            f"on AWS create users in your real pool and set {POOL_ENV}"
        )
    client = cognito_client(engine)
    pools = _call(client, "list_user_pools", MaxResults=60).get("UserPools", [])
    found = next((p["Id"] for p in pools if p["Name"] == pool_name), None)
    if found is None:
        found = _call(client, "create_user_pool", PoolName=pool_name)["UserPool"]["Id"]
    existing = set(list_cognito_users(engine, found))
    for user in directory.list_users():
        if user.handle in existing:
            continue
        _call(
            client,
            "admin_create_user",
            UserPoolId=found,
            Username=user.handle,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "preferred_username", "Value": user.handle},
                {"Name": "name", "Value": user.display_name},
                {"Name": "email", "Value": user.email},
            ],
        )
    # Report success only on a pool that is really there.
    pools = _call(client, "list_user_pools", MaxResults=60).get("UserPools", [])
    if not any(p["Id"] == found for p in pools):
        raise CognitoError(
            f"user pool {found} vanished from {client.meta.endpoint_url} "
            "right after setup; is another process resetting that server?"
        )
    _remember_pool(engine, found)
    return found


def list_cognito_users(engine: Any, pool: str | None = None) -> dict[str, str]:
    """``{preferred_username: sub}`` for every user of the pool, following pagination.

    (The original read only the first page of 60.) Users with no ``preferred_username``
    cannot be matched to a handle and are left out.
    """
    client = cognito_client(engine)
    pool = pool_id(engine, pool)
    found: dict[str, str] = {}
    params: dict[str, Any] = {"UserPoolId": pool, "AttributesToGet": ["preferred_username", "sub"]}
    while True:
        response = _call(client, "list_users", **params)
        for user in response.get("Users", []):
            attrs = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
            if attrs.get("preferred_username") and attrs.get("sub"):
                found[attrs["preferred_username"]] = attrs["sub"]
        token = response.get("PaginationToken")
        if not token:
            return found
        params["PaginationToken"] = token


def update_cognito_user_ids(
    engine: Any, directory: UsersDirectory, pool: str | None = None
) -> list[tuple[str, str]]:
    """Set ``users.cognito_user_id`` by handle from the pool; return the ``(handle, sub)``
    pairs that changed. Pool users with no directory row are skipped."""
    changed = []
    for handle, sub in sorted(list_cognito_users(engine, pool).items()):
        if directory.get_by_handle(handle) is not None and directory.update_cognito_user_id(
            handle, sub
        ):
            changed.append((handle, sub))
    return changed


def require_cognito_id(user: User) -> str:
    """The user's Cognito id.

    :raises CognitoError: if it is still the ``MOCK`` placeholder, saying how to fix it.
    """
    if not user.cognito_user_id or user.cognito_user_id == MOCK:
        raise CognitoError(
            f"user {user.handle!r} has no Cognito id yet (cognito_user_id is {MOCK!r}): run "
            "`workbench cognito setup-local` then `workbench db update-cognito-user-ids`"
        )
    return user.cognito_user_id


def user_for_sub(directory: UsersDirectory, sub: str) -> User:
    """The signed-in user for a Cognito ``sub``.

    :raises CognitoError: for the ``MOCK`` placeholder.
    :raises NotFound: if no user has that Cognito id.
    """
    if sub == MOCK:
        raise CognitoError(
            f"{MOCK!r} is a placeholder, not a Cognito id: run "
            "`workbench db update-cognito-user-ids`"
        )
    user = directory.get_by_cognito_user_id(sub)
    if user is None:
        raise NotFound(
            f"no user has Cognito id {sub!r}; run `workbench db "
            "update-cognito-user-ids` after adding users to the pool"
        )
    return user
