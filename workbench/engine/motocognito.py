"""Cognito tokens on the managed server signed with a key made for this instance, not moto's.

moto signs every user pool's tokens with the one RSA key pair it ships
(``moto/cognitoidp/resources/jwks-private.json.gz``), so anyone who has moto can mint a token
for any ``sub`` that verifies against the pool's JWKS. :func:`install`, run inside the managed
server (:mod:`workbench.engine.local.serve`), generates a fresh RSA key when the server starts,
signs
every pool's tokens with it (``CognitoIdpUserPool.json_web_key``, used by ``create_jwt``) under
its own key id (an RFC 7638 thumbprint instead of moto's ``dummy``), and publishes only its
public half at ``/<pool id>/.well-known/jwks.json``. The private key lives in the server's
memory only: it is never written, never on a command line, and a restarted server has a new
one (tokens of an earlier run are then refused, as after a key rotation).

In-process moto (engine ``moto``) is never patched: it has no network, and keeps moto's key.
Guarded like :mod:`workbench.engine.mototx`, by the moto versions it was written for
(:data:`workbench.engine.motoindex.SUPPORTED`); outside them nothing is patched.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from .motopatch import MotoPatch, Patch

KEY_SIZE = 2048

_log = logging.getLogger(__name__)
_state: dict[str, Any] = {}


def public_jwks() -> dict[str, Any] | None:
    """The JWKS the pools publish while installed (``{"keys": [...]}``), else None."""
    return json.loads(_state["jwks"]) if installed() else None


def _signing_key(guest: Any) -> Any:
    # joserfc calls a callable key with the token being signed: name our key in its header
    # (create_jwt writes moto's "dummy"), then sign with it.
    guest.set_kid(_state["key"].kid)
    return _state["key"]


def _keep_aside(pool: Any, value: Any) -> None:
    pool.__dict__["json_web_key"] = value


def _patches() -> list[Patch]:
    from joserfc import jwk
    from moto.cognitoidp.models import CognitoIdpUserPool
    from moto.cognitoidp.responses import CognitoIdpJsonWebKeyResponse

    key = jwk.RSAKey.generate_key(KEY_SIZE, private=True, auto_kid=True)
    public = {**key.as_dict(private=False), "alg": "RS256", "use": "sig"}
    _state.update(key=key, jwks=json.dumps({"keys": [public]}))
    return [
        # A class property wins over the instance attribute moto's __init__ sets (its setter
        # keeps moto's key aside, for uninstall), so every pool, old or new, signs with ours.
        # The class has no json_web_key of its own: uninstall deletes the property again.
        (CognitoIdpUserPool, "json_web_key", property(lambda self: _signing_key, _keep_aside)),
        (CognitoIdpJsonWebKeyResponse, "json_web_key", _state["jwks"].encode()),
    ]


# The private key is forgotten once moto's own is back (installed() is then False, so
# public_jwks never reads the cleared state).
_patch = MotoPatch(_patches, after_uninstall=_state.clear)
installed = _patch.installed
uninstall = _patch.uninstall  # give moto its bundled key back (for tests)


def install() -> bool:
    """Sign Cognito tokens with a key generated now, and publish its public half (idempotent).

    :returns: ``True`` if the patch is in place, ``False`` if the installed moto is outside
        :data:`workbench.engine.motoindex.SUPPORTED` (then moto is left alone, and a warning is
        logged).
    """
    if _patch.install():
        return True
    import moto

    _log.warning(
        "moto %s is outside the versions workbench.engine.motocognito was written for: "
        "Cognito tokens are signed with moto's bundled key, which anyone can use",
        moto.__version__,
    )
    return False
