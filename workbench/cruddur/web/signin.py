"""Signing in to the local user pool: an app client, local passwords, and access tokens.

``workbench cognito setup-local`` and ``workbench app serve`` give the local pool an app
client that allows ``USER_PASSWORD_AUTH`` and give every directory user one local password,
kept (``0600``) in the state folder so ``workbench cognito token --as HANDLE`` can sign in
later. Never on AWS: a real pool's users have their own passwords.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from botocore.auth import SigV4Auth
from botocore.exceptions import BotoCoreError, ClientError

from ...errors import CognitoError
from ...paths import state_dir, write_private
from .. import cognito
from ..users import UsersDirectory

CLIENT_NAME = "cruddur-web"
AUTH_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
# Cognito answers these for a wrong handle or password: the caller's mistake, not a failure.
BAD_CREDENTIALS = frozenset({"NotAuthorizedException", "UserNotFoundException"})


@dataclass(frozen=True)
class LocalSignIn:
    """How to sign in to the local pool: its id, the app client, and the users' password."""

    pool_id: str
    client_id: str
    password: str
    handles: tuple[str, ...]


class SignInRefused(CognitoError):
    """The handle or password is wrong (Cognito's ``NotAuthorizedException``)."""


def _refuse_aws(engine: Any) -> None:
    if engine.is_aws:
        raise CognitoError(
            "local passwords are for the local user pool only and are never set on AWS; "
            "sign in to your real pool with your own users"
        )


def _sign_unsigned(client: Any) -> None:
    """Sign InitiateAuth with the engine's credentials, as the managed server requires.

    botocore sends InitiateAuth unsigned (it is a public Cognito API), and the managed
    server's guard refuses every unsigned request.
    """

    def sign(request: Any, **_: Any) -> None:
        credentials = client._request_signer._credentials
        if credentials is not None and "Authorization" not in request.headers:
            SigV4Auth(
                credentials.get_frozen_credentials(), "cognito-idp", client.meta.region_name
            ).add_auth(request)

    client.meta.events.register("request-created.cognito-idp.InitiateAuth", sign)


def _client(engine: Any) -> Any:
    client = cognito.cognito_client(engine)
    if not getattr(client, "_workbench_signs_initiate_auth", False):
        _sign_unsigned(client)
        client._workbench_signs_initiate_auth = True
    return client


def _call(client: Any, method: str, **params: Any) -> dict[str, Any]:
    try:
        return getattr(client, method)(**params)
    except (ClientError, BotoCoreError) as exc:
        raise CognitoError(f"cognito-idp {method} failed: {exc}", exc) from exc


def _secrets_file() -> Any:
    return state_dir() / "cognito-passwords.json"


def _stored() -> dict[str, Any]:
    try:
        known = json.loads(_secrets_file().read_text())
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def new_password() -> str:
    """A fresh local password meeting Cognito's default policy (upper, lower, digit, symbol)."""
    return f"Cruddur!{secrets.token_hex(4)}9"


def app_client_id(engine: Any, pool: str, create: bool = False) -> str:
    """The id of the pool's ``cruddur-web`` app client.

    :param create: create it (allowing ``USER_PASSWORD_AUTH``) when missing.
    :raises CognitoError: if it is missing and ``create`` is False, saying what to run.
    """
    client = _client(engine)
    params: dict[str, Any] = {"UserPoolId": pool, "MaxResults": 60}
    while True:
        listed = _call(client, "list_user_pool_clients", **params)
        for found in listed.get("UserPoolClients", []):
            if found["ClientName"] == CLIENT_NAME:
                return found["ClientId"]
        if not listed.get("NextToken"):
            break
        params["NextToken"] = listed["NextToken"]
    if not create:
        raise CognitoError(
            f"user pool {pool} has no app client {CLIENT_NAME!r}: run "
            "`workbench cognito setup-local`"
        )
    created = _call(
        client,
        "create_user_pool_client",
        UserPoolId=pool,
        ClientName=CLIENT_NAME,
        ExplicitAuthFlows=AUTH_FLOWS,
    )
    return created["UserPoolClient"]["ClientId"]


def setup_local_sign_in(
    engine: Any, directory: UsersDirectory, password: str | None = None
) -> LocalSignIn:
    """Set up the local pool for signing in: pool, app client, one password for every user.

    The password is reused from the state folder when this pool already has one, so a
    printed password stays valid across runs.

    :param password: the password to give (default: the pool's kept one, else a new one);
        the app passes its own when it follows a restarted server, whose pool is new.

    :raises CognitoError: on ``aws`` (refused), or if a Cognito call fails.
    """
    _refuse_aws(engine)
    pool = cognito.setup_local_pool(engine, directory)
    client_id = app_client_id(engine, pool, create=True)
    known = _stored()
    password = password or (known.get(pool) or {}).get("password") or new_password()
    client = _client(engine)
    handles = tuple(user.handle for user in directory.list_users())
    for handle in handles:
        _call(
            client,
            "admin_set_user_password",
            UserPoolId=pool,
            Username=handle,
            Password=password,
            Permanent=True,
        )
    known[pool] = {"client_id": client_id, "password": password}
    write_private(_secrets_file(), json.dumps(known, indent=2, sort_keys=True))
    return LocalSignIn(pool, client_id, password, handles)


def local_password(pool: str) -> str:
    """The local password set for ``pool`` by :func:`setup_local_sign_in`.

    :raises CognitoError: if there is none, saying what to run.
    """
    found = (_stored().get(pool) or {}).get("password")
    if not found:
        raise CognitoError(
            f"no local password for user pool {pool}: run `workbench cognito setup-local`"
        )
    return found


def sign_in(
    engine: Any,
    handle: str,
    password: str,
    *,
    pool: str | None = None,
    client_id: str | None = None,
) -> dict[str, Any]:
    """InitiateAuth ``USER_PASSWORD_AUTH``: Cognito's ``AuthenticationResult``.

    :param handle: the user's handle (their Cognito username).
    :param password: their password.
    :param pool: the user pool (default :func:`workbench.cruddur.cognito.pool_id`).
    :param client_id: the app client (default the pool's ``cruddur-web``).
    :returns: ``AccessToken``, ``IdToken``, ``RefreshToken``, ``ExpiresIn``, ``TokenType``.
    :raises SignInRefused: for a wrong handle or password.
    :raises CognitoError: if the call fails otherwise.
    """
    pool = cognito.pool_id(engine, pool)
    client_id = client_id or app_client_id(engine, pool)
    client = _client(engine)
    try:
        response = client.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": handle, "PASSWORD": password},
        )
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if code in BAD_CREDENTIALS:
            raise SignInRefused(f"wrong handle or password for {handle!r}", exc) from exc
        raise CognitoError(f"cognito-idp InitiateAuth failed: {exc}", exc) from exc
    except BotoCoreError as exc:
        raise CognitoError(f"cognito-idp InitiateAuth failed: {exc}", exc) from exc
    result = response.get("AuthenticationResult")
    if not result:
        raise CognitoError(
            f"{handle!r} must answer a challenge ({response.get('ChallengeName')}) first"
        )
    return result


def access_token(engine: Any, handle: str, pool: str | None = None) -> str:
    """An access token for ``handle`` on the local pool, signed in with its local password.

    :raises CognitoError: on ``aws``, with no local setup, or for an unknown handle.
    """
    _refuse_aws(engine)
    pool = cognito.pool_id(engine, pool)
    try:
        return sign_in(engine, handle, local_password(pool), pool=pool)["AccessToken"]
    except SignInRefused as exc:
        raise CognitoError(
            f"{handle!r} cannot sign in to the local pool with its local password: is it a "
            "user of the directory? run `workbench cognito setup-local` after adding users",
            exc.cause,
        ) from exc
