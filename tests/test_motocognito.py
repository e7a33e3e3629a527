"""Cognito tokens on the managed server are signed with a key of that instance (motocognito).

Over real HTTP: the app served by :class:`~workbench.cruddur.web.AppServer` on the session's managed
server, tokens from that server's Cognito, forgeries signed with moto's bundled private key,
and a token signed by a second managed server.
"""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from importlib import resources
from typing import Any

import jwt
import pytest
from helpers import SEED_NOW, unique_table_name

pytestmark = pytest.mark.server


def _bundled(name: str) -> dict[str, Any]:
    data = resources.files("moto.cognitoidp").joinpath(f"resources/{name}.json.gz")
    return json.loads(gzip.decompress(data.read_bytes()))


def call(url: str, path: str, token: str | None = None) -> tuple[int, Any]:
    """``GET url+path`` over real HTTP (no proxy): the status and the JSON body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(url + path, headers=headers), timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


class Site:
    """The app on the session's server, its engine, users and sign-in."""

    engine: Any
    directory: Any
    sign_in: Any
    table: str
    url: str


@pytest.fixture(scope="module")
def site(local_server: Any) -> Iterator[Site]:
    from workbench.cruddur.users import open_directory
    from workbench.cruddur.web import AppServer, prepare
    from workbench.engine.engines import Engine

    site = Site()
    site.engine = Engine("local", endpoint_url=local_server.endpoint, secret=local_server.secret)
    site.directory = open_directory("sqlite:///:memory:")
    site.table = unique_table_name("mc")
    site.sign_in = prepare(site.engine, site.directory, site.table, now=SEED_NOW).sign_in
    with AppServer(
        site.engine, site.directory, site.sign_in, table_name=site.table, port=0, run_stream=False
    ) as server:
        site.url = server.url.rstrip("/")
        yield site
    site.directory.close()
    site.engine.close()


def real_token(site: Site, handle: str) -> str:
    from workbench.cruddur.web.signin import sign_in

    pool, client = site.sign_in.pool_id, site.sign_in.client_id
    result = sign_in(site.engine, handle, site.sign_in.password, pool=pool, client_id=client)
    return result["AccessToken"]


def test_the_pool_publishes_a_key_of_this_instance_not_motos(site: Site) -> None:
    from workbench.cruddur.web.auth import fetch_jwks

    published = fetch_jwks(site.engine, site.sign_in.pool_id)["keys"]
    bundled = _bundled("jwks-public")["keys"]
    assert len(published) == 1
    assert published[0]["n"] not in {k["n"] for k in bundled}
    assert published[0]["kid"] != "dummy"
    assert "d" not in published[0] and "p" not in published[0]  # the public half only
    token = real_token(site, "bayko")
    assert jwt.get_unverified_header(token)["kid"] == published[0]["kid"]


def test_a_real_sign_in_token_is_200(site: Site) -> None:
    status, body = call(site.url, "/api/message_groups", real_token(site, "bayko"))
    assert status == 200, body


@pytest.mark.parametrize("kid", ["dummy", "server"])
def test_a_token_forged_with_motos_bundled_key_is_401(site: Site, kid: str) -> None:
    # The attack of issue 16: one's own token's claims, another user's sub, moto's key.
    own = jwt.decode(real_token(site, "bayko"), options={"verify_signature": False})
    victim = site.directory.get_by_handle("londo").cognito_user_id
    claims = {**own, "sub": victim, "username": "londo"}
    if kid == "server":  # naming the key the pool publishes does not help either
        from workbench.cruddur.web.auth import fetch_jwks

        kid = fetch_jwks(site.engine, site.sign_in.pool_id)["keys"][0]["kid"]
    moto_key = jwt.PyJWK(_bundled("jwks-private")).key
    forged = jwt.encode(claims, moto_key, algorithm="RS256", headers={"kid": kid})
    status, body = call(site.url, "/api/message_groups", forged)
    assert status == 401, body
    assert "Traceback" not in json.dumps(body)


def test_a_token_signed_by_another_instance_is_401(site: Site) -> None:
    """A second managed server signs with its own key: an app on the first refuses its tokens,
    even for the very pool id and app client it was told to trust."""
    from workbench.cruddur.cognito import update_cognito_user_ids
    from workbench.cruddur.users import open_directory
    from workbench.cruddur.web import AppServer
    from workbench.cruddur.web.auth import fetch_jwks
    from workbench.cruddur.web.signin import setup_local_sign_in, sign_in
    from workbench.engine.engines import Engine
    from workbench.engine.local import LocalServer

    with (
        LocalServer.start() as other,
        Engine("local", endpoint_url=other.endpoint, secret=other.secret) as other_engine,
        open_directory("sqlite:///:memory:") as other_users,
    ):
        other_users.ensure_seed_users()
        theirs = setup_local_sign_in(other_engine, other_users)
        update_cognito_user_ids(other_engine, other_users, theirs.pool_id)
        token = sign_in(
            other_engine,
            "bayko",
            theirs.password,
            pool=theirs.pool_id,
            client_id=theirs.client_id,
        )["AccessToken"]
        mine = fetch_jwks(site.engine, theirs.pool_id)["keys"]
        assert mine != fetch_jwks(other_engine, theirs.pool_id)["keys"]
        # The app on this instance, trusting the other pool's id and client and users.
        with AppServer(
            site.engine,
            other_users,
            theirs,
            table_name=site.table,
            port=0,
            run_stream=False,
        ) as app:
            status, body = call(app.url.rstrip("/"), "/api/message_groups", token)
    assert status == 401, body
    assert "not signed by a key of the user pool" in body["error"]


def test_outside_the_supported_moto_versions_nothing_is_patched(monkeypatch) -> None:
    import moto
    from moto.cognitoidp.models import CognitoIdpUserPool
    from moto.cognitoidp.responses import CognitoIdpJsonWebKeyResponse

    from workbench.engine import motocognito

    before = CognitoIdpJsonWebKeyResponse.json_web_key
    monkeypatch.setattr(moto, "__version__", "9.0.0")
    assert motocognito.install() is False
    assert not motocognito.installed() and motocognito.public_jwks() is None
    assert CognitoIdpJsonWebKeyResponse.json_web_key is before
    assert not isinstance(CognitoIdpUserPool.__dict__.get("json_web_key"), property)
