"""Who is asking: a Cognito access token verified against the user pool's published keys.

The check the bootcamp's ``cognito_jwt_token.verify()`` did, with PyJWT: an RS256 signature
by a key of the pool's JWKS, the pool's issuer, the app client (``client_id``; an access
token has no ``aud``), the expiry, and ``token_use == "access"`` (an ID token is refused).
On the managed server the JWKS is fetched with the instance secret (its guard refuses
anything else); on in-process moto it is moto's bundled key.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import urllib.request
from importlib import resources
from typing import Any

import jwt

from ...errors import WorkbenchError

ALGORITHMS = ["RS256"]
# A key id the cached JWKS does not know makes one refetch at most this often, so a flood of
# forged tokens cannot turn into a flood of requests to the server.
REFETCH_SECONDS = 30.0


class AuthError(WorkbenchError):
    """The request carries no valid access token (HTTP 401)."""


class KeysUnavailable(AuthError):
    """The user pool's keys could not be fetched (its server is gone or has restarted)."""


def bearer_token(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header.

    :raises AuthError: if the header is missing or not a Bearer token.
    """
    if not header:
        raise AuthError("no access token: send Authorization: Bearer <Cognito access token>")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("the Authorization header must be 'Bearer <Cognito access token>'")
    return token.strip()


def issuer_for(pool_id: str) -> str:
    """The ``iss`` of the pool's tokens (the AWS form, also on moto); the region leads the id."""
    region = pool_id.split("_", 1)[0]
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def fetch_jwks(engine: Any, pool_id: str) -> dict[str, Any]:
    """The pool's JWKS (``{"keys": [...]}``) from where ``engine``'s Cognito lives.

    :raises KeysUnavailable: if it cannot be fetched.
    """
    if engine.name == "moto":
        # In-process moto signs with the key pair it ships; nothing listens on a socket.
        bundled = resources.files("moto.cognitoidp").joinpath("resources/jwks-public.json.gz")
        return json.loads(gzip.decompress(bundled.read_bytes()))
    if engine.is_aws:
        url = f"{issuer_for(pool_id)}/.well-known/jwks.json"
        headers: dict[str, str] = {}
        opener = urllib.request.build_opener()
    else:
        from ...engine.local import SECRET_HEADER

        base = engine.cognito_endpoint_url or engine.endpoint_url
        url = f"{base}/{pool_id}/.well-known/jwks.json"
        # The managed server lets an unsigned JWKS GET through only with its secret.
        headers = {SECRET_HEADER: engine.secret or ""}
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as answer:
            return json.loads(answer.read())
    except (OSError, ValueError) as exc:
        raise KeysUnavailable(f"cannot fetch the user pool's keys from {url}: {exc}", exc) from exc


class TokenVerifier:
    """Verifies access tokens of one user pool and app client.

    :param engine: where the pool lives (for its JWKS).
    :param pool_id: the user pool id.
    :param client_id: the app client tokens must be issued to.
    :param jwks: the keys to use instead of fetching them (``{"keys": [...]}``).
    """

    def __init__(
        self, engine: Any, pool_id: str, client_id: str, jwks: dict[str, Any] | None = None
    ) -> None:
        self.engine = engine
        self.pool_id = pool_id
        self.client_id = client_id
        self.issuer = issuer_for(pool_id)
        self._keys: dict[str, Any] = self._parse(jwks) if jwks is not None else {}
        self._fetched_at = float("-inf") if jwks is None else time.monotonic()
        self._lock = threading.Lock()

    @staticmethod
    def _parse(jwks: dict[str, Any]) -> dict[str, Any]:
        keys = jwt.PyJWKSet.from_dict(jwks).keys
        return {key.key_id: key for key in keys}

    def _key(self, kid: str | None) -> Any:
        with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at > REFETCH_SECONDS:
                try:
                    self._keys = self._parse(fetch_jwks(self.engine, self.pool_id))
                except jwt.PyJWKSetError as exc:  # an empty or unusable key set: no key fits
                    raise AuthError(f"the user pool publishes no usable keys ({exc})") from exc
                self._fetched_at = time.monotonic()
            key = self._keys.get(kid)
        if key is None:
            raise AuthError("the access token is not signed by a key of the user pool")
        return key

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, once every check has passed.

        :raises AuthError: naming the first check that failed (bad signature, expired, other
            issuer or client, not an access token, malformed).
        """
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError(f"the access token is malformed: {exc}", exc) from exc
        if header.get("alg") not in ALGORITHMS:
            raise AuthError(f"the access token's algorithm {header.get('alg')!r} is not RS256")
        key = self._key(header.get("kid"))
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "sub", "token_use"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("the access token has expired: sign in again", exc) from exc
        except jwt.InvalidSignatureError as exc:
            raise AuthError("the access token's signature is not valid", exc) from exc
        except jwt.InvalidIssuerError as exc:
            raise AuthError(f"the access token is not from user pool {self.pool_id}", exc) from exc
        except jwt.PyJWTError as exc:
            raise AuthError(f"the access token is not valid: {exc}", exc) from exc
        if claims.get("token_use") != "access":
            raise AuthError(
                f"token_use is {claims.get('token_use')!r}: send the access token, not the ID token"
            )
        if claims.get("client_id") != self.client_id:
            raise AuthError("the access token was issued to another app client")
        return claims
