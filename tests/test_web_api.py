"""The messages API (workbench.cruddur.web) with Flask's test client, on the managed moto server.

Tokens come from the server's real Cognito (InitiateAuth through the guard); the app fetches
the pool's JWKS through the guard too. Bad tokens are minted here: one signed by another key,
one signed with moto's bundled key (the server signs with a key of its own), and, for an app
that trusts a test key (``web.minted``), ones expired, for another client or another pool.
"""

from __future__ import annotations

import gzip
import json
import time
from importlib import resources
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from helpers import SEED_NOW, unique_table_name

from workbench.cruddur.app import Messenger
from workbench.errors import ValidationError
from workbench.model import SEED_GROUP_UUID

pytestmark = pytest.mark.server
# The key ``web.minted``'s app trusts (given as its JWKS), so claims can be changed at will.
TEST_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
TEST_KID = "test"


@pytest.fixture(scope="module")
def web(local_server: Any) -> Any:
    """A seeded table, users, the local pool with passwords, and the app, for this module."""
    from workbench.cruddur.users import open_directory
    from workbench.cruddur.web import create_app, prepare
    from workbench.cruddur.web.server import origins_for
    from workbench.engine.engines import Engine

    engine = Engine("local", endpoint_url=local_server.endpoint, secret=local_server.secret)
    directory = open_directory("sqlite:///:memory:")
    table = unique_table_name("web")
    prepared = prepare(engine, directory, table, now=SEED_NOW)
    app = create_app(
        engine,
        directory,
        pool_id=prepared.sign_in.pool_id,
        client_id=prepared.sign_in.client_id,
        table_name=table,
        origins=origins_for("127.0.0.1", 4567),
    )

    class Web:
        pass

    web = Web()
    web.engine, web.directory, web.table, web.app = engine, directory, table, app
    web.sign_in = prepared.sign_in
    web.client = app.test_client()  # Host "localhost", one of the app's own
    public = {**jwt.algorithms.RSAAlgorithm.to_jwk(TEST_KEY.public_key(), as_dict=True)}
    web.minted = create_app(
        engine,
        directory,
        pool_id=prepared.sign_in.pool_id,
        client_id=prepared.sign_in.client_id,
        table_name=table,
        jwks={"keys": [{**public, "kid": TEST_KID}]},
    ).test_client()
    web.tokens = {}
    yield web
    directory.close()
    engine.close()


def token(web: Any, handle: str, kind: str = "AccessToken") -> str:
    """A real token of ``handle`` from the server's Cognito (cached per module)."""
    from workbench.cruddur.web.signin import sign_in

    if (handle, kind) not in web.tokens:
        result = sign_in(
            web.engine,
            handle,
            web.sign_in.password,
            pool=web.sign_in.pool_id,
            client_id=web.sign_in.client_id,
        )
        web.tokens[(handle, "AccessToken")] = result["AccessToken"]
        web.tokens[(handle, "IdToken")] = result["IdToken"]
    return web.tokens[(handle, kind)]


def auth(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def moto_private_key() -> Any:
    bundled = resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz")
    return jwt.PyJWK(json.loads(gzip.decompress(bundled.read_bytes()))).key


def remint(real: str, key: Any = TEST_KEY, kid: str = TEST_KID, **changes: Any) -> str:
    """``real``'s claims with ``changes``, signed RS256 by ``key`` with ``kid``."""
    claims = jwt.decode(real, options={"verify_signature": False})
    claims.update(changes)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


# -- 401: who is asking ------------------------------------------------------------------


def test_no_token_is_401(web: Any) -> None:
    response = web.client.get("/api/message_groups")
    assert response.status_code == 401
    assert "no access token" in response.json["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer not.a.jwt"])
def test_malformed_authorization_is_401(web: Any, header: str) -> None:
    response = web.client.get("/api/message_groups", headers={"Authorization": header})
    assert response.status_code == 401
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_real_access_token_passes(web: Any) -> None:
    response = web.client.get("/api/message_groups", headers=auth(token(web, "bayko")))
    assert response.status_code == 200, response.json
    assert [g["uuid"] for g in response.json] == [SEED_GROUP_UUID]
    assert list(response.json[0]) == ["uuid", "display_name", "handle", "message", "created_at"]
    assert response.json[0]["handle"] == "andrewbrown"  # the other member


def test_forged_token_signed_by_another_key_is_401(web: Any) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    real = token(web, "bayko")
    forged = remint(real, other, jwt.get_unverified_header(real)["kid"])
    response = web.client.get("/api/message_groups", headers=auth(forged))
    assert response.status_code == 401
    assert "signature" in response.json["error"]


def test_expired_token_is_401(web: Any) -> None:
    expired = remint(token(web, "bayko"), exp=int(time.time()) - 60)
    response = web.minted.get("/api/message_groups", headers=auth(expired))
    assert response.status_code == 401
    assert "expired" in response.json["error"]


def test_token_for_another_client_is_401(web: Any) -> None:
    other_client = remint(token(web, "bayko"), client_id="someoneelse")
    response = web.minted.get("/api/message_groups", headers=auth(other_client))
    assert response.status_code == 401
    assert "another app client" in response.json["error"]


def test_token_from_another_pool_is_401(web: Any) -> None:
    issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"
    other_pool = remint(token(web, "bayko"), iss=issuer)
    response = web.minted.get("/api/message_groups", headers=auth(other_pool))
    assert response.status_code == 401


def test_id_token_is_401(web: Any) -> None:
    response = web.client.get("/api/message_groups", headers=auth(token(web, "bayko", "IdToken")))
    assert response.status_code == 401
    assert "ID token" in response.json["error"]


def test_reminting_with_the_test_key_unchanged_passes(web: Any) -> None:
    # The control for the tests above: only the changed claim makes them fail.
    same = remint(token(web, "bayko"))
    assert web.minted.get("/api/message_groups", headers=auth(same)).status_code == 200


@pytest.mark.parametrize("kid", ["dummy", "the server's"])
def test_a_token_signed_with_motos_bundled_key_is_401(web: Any, kid: str) -> None:
    # Issue 16: every moto ships that private key; the managed server signs with its own.
    real = token(web, "bayko")
    victim = web.directory.get_by_handle("londo").cognito_user_id
    kid = jwt.get_unverified_header(real)["kid"] if kid == "the server's" else kid
    forged = remint(real, moto_private_key(), kid, sub=victim, username="londo")
    response = web.client.get("/api/message_groups", headers=auth(forged))
    assert response.status_code == 401, response.json


# -- 403 / 404 / 422 ----------------------------------------------------------------------


def test_non_member_cannot_read_or_post_to_the_seed_group(web: Any) -> None:
    londo = auth(token(web, "londo"))
    read = web.client.get(f"/api/messages/{SEED_GROUP_UUID}", headers=londo)
    assert read.status_code == 403
    assert "not a member" in read.json["error"]
    post = web.client.post(
        "/api/messages",
        headers=londo,
        json={"message": "let me in", "message_group_uuid": SEED_GROUP_UUID},
    )
    assert post.status_code == 403


def test_unknown_group_is_404_and_malformed_uuid_is_422(web: Any) -> None:
    bayko = auth(token(web, "bayko"))
    unknown = web.client.get("/api/messages/00000000-0000-4000-8000-000000000000", headers=bayko)
    assert unknown.status_code == 404
    malformed = web.client.get("/api/messages/not-a-uuid", headers=bayko)
    assert malformed.status_code == 422
    assert malformed.json["errors"][0]["code"] == "message_group_uuid_invalid"


def test_invalid_message_is_422_with_the_clis_problems(web: Any) -> None:
    body = {"message": " ", "handle": "bayko"}
    response = web.client.post("/api/messages", headers=auth(token(web, "bayko")), json=body)
    assert response.status_code == 422
    with pytest.raises(ValidationError) as raised:
        Messenger(web.engine, web.directory, web.table).send_message(
            "bayko", body["message"], to_handle=body["handle"]
        )
    assert response.json["error"] == str(raised.value)  # the CLI prints this line
    assert [(p["field"], p["code"], p["message"]) for p in response.json["errors"]] == (
        raised.value.problems
    )
    assert {"message_blank", "user_receiver_is_sender"} <= set(raised.value.codes)


def test_body_that_is_not_a_json_object_is_422(web: Any) -> None:
    response = web.client.post(
        "/api/messages", headers=auth(token(web, "bayko")), data="[1]", content_type="text/plain"
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "body_not_json_object"


# -- the patterns --------------------------------------------------------------------------


def test_messages_are_the_20_latest_oldest_first(web: Any) -> None:
    response = web.client.get(f"/api/messages/{SEED_GROUP_UUID}", headers=auth(token(web, "bayko")))
    assert response.status_code == 200
    expected = Messenger(web.engine, web.directory, web.table).list_messages(
        "bayko", SEED_GROUP_UUID
    )
    assert response.json == expected.items
    assert len(response.json) == 20
    times = [m["created_at"] for m in response.json]
    assert times == sorted(times)


def test_c_posts_to_the_group(web: Any) -> None:
    body = {"message": "see you at 10", "message_group_uuid": SEED_GROUP_UUID}
    response = web.client.post("/api/messages", headers=auth(token(web, "bayko")), json=body)
    assert response.status_code == 200, response.json
    assert response.json["message_group_uuid"] == SEED_GROUP_UUID
    assert response.json["handle"] == "bayko"
    assert response.json["created_group"] is False
    listed = web.client.get(f"/api/messages/{SEED_GROUP_UUID}", headers=auth(token(web, "bayko")))
    assert listed.json[-1]["uuid"] == response.json["uuid"]
    assert listed.json[-1]["message"] == "see you at 10"


def test_d_creates_a_group_only_its_members_can_read(web: Any) -> None:
    body = {"message": "hello londo", "handle": "londo"}
    response = web.client.post("/api/messages", headers=auth(token(web, "andrewbrown")), json=body)
    assert response.status_code == 200, response.json
    assert response.json["created_group"] is True
    group = response.json["message_group_uuid"]
    listed = web.client.get(f"/api/messages/{group}", headers=auth(token(web, "londo")))
    assert [m["message"] for m in listed.json] == ["hello londo"]
    groups = web.client.get("/api/message_groups", headers=auth(token(web, "londo")))
    assert [(g["uuid"], g["handle"]) for g in groups.json] == [(group, "andrewbrown")]
    assert web.client.get(
        f"/api/messages/{group}", headers=auth(token(web, "bayko"))
    ).status_code == (403)


def test_users_short(web: Any) -> None:
    found = web.client.get("/api/users/@londo/short")
    assert found.status_code == 200
    assert found.json == {
        "uuid": web.directory.get_by_handle("londo").uuid,
        "handle": "londo",
        "display_name": "Londo Mollari",
    }
    assert web.client.get("/api/users/@nobody/short").status_code == 404


# -- sign-in, CORS, failures ----------------------------------------------------------------


def test_sign_in_route(web: Any) -> None:
    good = web.client.post(
        "/api/auth/sign_in", json={"handle": "bayko", "password": web.sign_in.password}
    )
    assert good.status_code == 200, good.json
    assert good.json["handle"] == "bayko"
    groups = web.client.get("/api/message_groups", headers=auth(good.json["access_token"]))
    assert groups.status_code == 200
    bad = web.client.post("/api/auth/sign_in", json={"handle": "bayko", "password": "Wrong!pass1"})
    assert bad.status_code == 401
    blank = web.client.post("/api/auth/sign_in", json={"handle": "", "password": ""})
    assert blank.status_code == 422
    assert [p["code"] for p in blank.json["errors"]] == ["handle_blank", "password_blank"]


def test_cors_answers_only_the_apps_own_origin(web: Any) -> None:
    own = web.client.options(
        "/api/messages",
        headers={"Origin": "http://127.0.0.1:4567", "Access-Control-Request-Method": "POST"},
    )
    assert own.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:4567"
    assert "Authorization" in own.headers["Access-Control-Allow-Headers"]
    foreign = web.client.get("/api/users/@bayko/short", headers={"Origin": "http://evil.test"})
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_a_foreign_host_is_refused_against_dns_rebinding(web: Any) -> None:
    # A page on evil.test whose name resolves to 127.0.0.1 sends its own Host header.
    rebound = web.client.get("/api/users/@bayko/short", headers={"Host": "evil.test:4567"})
    assert rebound.status_code == 400
    own = web.client.get("/api/users/@bayko/short", headers={"Host": "127.0.0.1:4567"})
    assert own.status_code == 200 and own.get_json()["handle"] == "bayko"


def test_a_failure_inside_is_one_line_without_traceback(web: Any) -> None:
    from workbench.cruddur.web import create_app

    broken = create_app(
        web.engine,
        web.directory,
        pool_id=web.sign_in.pool_id,
        client_id=web.sign_in.client_id,
        table_name="no-such-table",
    )
    response = broken.test_client().get("/api/message_groups", headers=auth(token(web, "bayko")))
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "no-such-table" in response.json["error"]
    assert "Traceback" not in text and "File " not in text


def test_pages_serve_the_single_page(web: Any) -> None:
    for path in ("/", "/messages", f"/messages/{SEED_GROUP_UUID}", "/messages/new/londo"):
        response = web.client.get(path)
        assert response.status_code == 200
        assert b'name="viewport"' in response.data
    script = web.client.get("/static/app.js").get_data(as_text=True)
    assert "innerHTML" not in script


# -- the CLI's sign-in commands, and the in-process engine ---------------------------------


def test_cli_setup_local_prints_the_password_and_token_gives_a_working_token(
    web: Any, local_server: Any
) -> None:
    from click.testing import CliRunner

    from workbench.cli import cli

    runner = CliRunner()
    endpoint = ["--endpoint", local_server.endpoint]
    setup = runner.invoke(cli, ["cognito", "setup-local", *endpoint])
    assert setup.exit_code == 0, setup.output
    line = next(x for x in setup.output.splitlines() if x.startswith("password of "))
    assert "andrewbrown" in line and "bayko" in line and "londo" in line
    password = line.rsplit(": ", 1)[1]
    assert password == web.sign_in.password  # the same pool keeps the same password
    issued = runner.invoke(cli, ["cognito", "token", "--as", "bayko", *endpoint])
    assert issued.exit_code == 0, issued.output
    claims = web.app.extensions["workbench"].verifier.verify(issued.output.strip())
    assert claims["username"] == "bayko"
    unknown = runner.invoke(cli, ["cognito", "token", "--as", "nobody", *endpoint])
    assert unknown.exit_code == 1
    assert unknown.output.count("\n") == 1 and "'nobody'" in unknown.output


def test_cli_setup_local_refuses_aws_in_one_line() -> None:
    from click.testing import CliRunner

    from workbench.cli import cli

    result = CliRunner().invoke(cli, ["cognito", "setup-local", "--engine", "aws"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "AWS" in result.output


def test_tokens_verify_on_in_process_moto(moto_engine: Any, users: Any) -> None:
    from workbench.cruddur.web.auth import AuthError, TokenVerifier
    from workbench.cruddur.web.signin import SignInRefused, setup_local_sign_in, sign_in

    local = setup_local_sign_in(moto_engine, users)
    result = sign_in(
        moto_engine, "londo", local.password, pool=local.pool_id, client_id=local.client_id
    )
    verifier = TokenVerifier(moto_engine, local.pool_id, local.client_id)
    claims = verifier.verify(result["AccessToken"])
    assert claims["username"] == "londo" and claims["token_use"] == "access"
    with pytest.raises(AuthError, match="ID token"):
        verifier.verify(result["IdToken"])
    with pytest.raises(SignInRefused):
        sign_in(moto_engine, "londo", "Wrong!pass1", pool=local.pool_id)


def test_the_hosts_the_app_answers_follow_where_it_listens() -> None:
    from workbench.cruddur.web.server import origins_for

    assert origins_for("127.0.0.1", 4567) == [
        "http://127.0.0.1:4567",
        "http://[::1]:4567",
        "http://localhost:4567",
    ]
    assert origins_for("0.0.0.0", 4567) == ["http://0.0.0.0:4567"]


def test_a_pool_with_no_usable_keys_is_a_401_not_a_500(monkeypatch) -> None:
    from workbench.cruddur.web import auth

    verifier = auth.TokenVerifier(None, "us-east-1_pool", "client")
    monkeypatch.setattr(auth, "fetch_jwks", lambda engine, pool_id: {"keys": []})
    with pytest.raises(auth.AuthError, match="no usable keys"):
        verifier._key("some-kid")


# -- over real HTTP: the app on the background server, which restarts --------------------


def http(
    url: str, method: str = "GET", token: str | None = None, body: Any = None, full: bool = False
) -> Any:
    """One request to the app over real HTTP (no proxy): ``(status, raw body text)``, and
    the headers too if ``full``."""
    import urllib.error
    import urllib.request

    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = (
        None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    )
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=60) as answer:
            got = answer.status, answer.read().decode(), answer.headers
    except urllib.error.HTTPError as exc:
        got = exc.code, exc.read().decode(), exc.headers
    return got if full else got[:2]


def test_the_app_follows_a_restarted_background_server(caplog) -> None:
    from workbench.cruddur.users import open_directory
    from workbench.cruddur.web import AppServer, prepare
    from workbench.cruddur.web.server import local_engine
    from workbench.engine.local import start_background, stop_background

    start_background()
    try:
        engine = local_engine(echo=lambda line: None)
        directory = open_directory("sqlite:///:memory:")
        table = unique_table_name("follow")
        prepared = prepare(engine, directory, table, now=SEED_NOW)
        password = prepared.sign_in.password
        with AppServer(
            engine,
            directory,
            prepared.sign_in,
            table_name=table,
            port=0,
            follow_background=True,
        ) as app:
            first_runner = app.runner
            assert first_runner is not None and first_runner.is_running
            api = app.url + "api"
            signed = http(
                f"{api}/auth/sign_in", "POST", body={"handle": "bayko", "password": password}
            )
            old = json.loads(signed[1])["access_token"]
            assert http(f"{api}/message_groups", token=old)[0] == 200

            stop_background()
            for answer in (
                http(f"{api}/message_groups", token=old),
                http(f"{api}/auth/sign_in", "POST", body={"handle": "bayko", "password": password}),
            ):
                status, text = answer
                assert status == 503, text
                assert text.count("\n") <= 1 and list(json.loads(text)) == ["error"]
                assert "workbench local start" in json.loads(text)["error"]

            start_background()  # a new secret, a new (empty) server: the app prepares it again
            status, text = http(
                f"{api}/auth/sign_in", "POST", body={"handle": "bayko", "password": password}
            )
            assert status == 200, text  # the same password still signs in
            new = json.loads(text)["access_token"]
            status, text = http(f"{api}/message_groups", token=new)
            assert status == 200, text
            assert [g["uuid"] for g in json.loads(text)] == [SEED_GROUP_UUID]
            assert http(f"{api}/message_groups", token=old)[0] == 401  # the old server's key
            # Pattern E's runner follows too: a new one, on the new server.
            assert app.runner is not first_runner and app.runner.is_running
        directory.close()
        engine.close()
    finally:
        stop_background()
    assert "Traceback" not in caplog.text


# -- over real HTTP: bounded input ---------------------------------------------------------


@pytest.fixture(scope="module")
def served(web: Any) -> Any:
    """The module's app on a real HTTP server: its ``/api`` URL."""
    from workbench.cruddur.web import AppServer

    with AppServer(
        web.engine, web.directory, web.sign_in, table_name=web.table, port=0, run_stream=False
    ) as server:
        yield server.url + "api"


def error_line(text: str) -> str:
    """The ``error`` of a JSON error body that is one line, with nothing else."""
    assert text.count("\n") <= 1 and "Traceback" not in text, text
    body = json.loads(text)
    assert list(body) == ["error"], body
    return body["error"]


@pytest.mark.parametrize("size", [65 * 1024, 2 * 1024 * 1024])
def test_a_body_over_64_kib_is_413_in_one_line(web: Any, served: str, size: int) -> None:
    body = json.dumps({"message": "x" * size, "message_group_uuid": SEED_GROUP_UUID}).encode()
    status, text = http(f"{served}/messages", "POST", token(web, "bayko"), body)
    assert status == 413
    assert "65536 bytes" in error_line(text)
    small = {"message": "x" * 1024, "message_group_uuid": SEED_GROUP_UUID}
    assert http(f"{served}/messages", "POST", token(web, "bayko"), small)[0] == 200


def test_json_nested_too_deep_is_400_not_a_recursion_error(served: str) -> None:
    deep = b"[" * 10_000 + b"]" * 10_000
    status, text = http(f"{served}/auth/sign_in", "POST", body=deep)
    assert status == 400, text
    assert "nests JSON over 32 levels" in error_line(text)
    status, text = http(f"{served}/auth/sign_in", "POST", body=b"[" * 100_000)  # the probe
    assert status in (400, 413), text
    error_line(text)


def test_json_nested_too_deep_with_a_token_is_400(web: Any, served: str) -> None:
    deep = b'{"message": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    status, text = http(f"{served}/messages", "POST", token(web, "bayko"), deep)
    assert status == 400, text
    assert "nests JSON" in error_line(text)
    # Brackets inside a string are text, not nesting.
    flat = {"message": "[" * 100, "message_group_uuid": SEED_GROUP_UUID}
    assert http(f"{served}/messages", "POST", token(web, "bayko"), flat)[0] == 200


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_an_unknown_api_path_is_404(served: str, method: str) -> None:
    status, text = http(f"{served}/no/such/route", method, body={} if method == "POST" else None)
    assert status == 404, text
    assert "/api/no/such/route" in error_line(text)
    # A known path with another method is still 405.
    assert http(f"{served}/messages", "GET")[0] == 405


@pytest.mark.parametrize(
    "message, says",
    [
        (5, "message must be a string, got a number"),
        (["hi"], "message must be a string, got a list"),
        ({"text": "hi"}, "message must be a string, got an object"),
        ("pay \u202eexe.pdf", "bidirectional"),
    ],
)
def test_a_wrong_message_is_named_over_http(web: Any, served: str, message: Any, says: str) -> None:
    body = {"message": message, "message_group_uuid": SEED_GROUP_UUID}
    status, text = http(f"{served}/messages", "POST", token(web, "bayko"), body)
    assert status == 422, text
    assert says in json.loads(text)["error"] and "blank" not in json.loads(text)["error"]


def test_repeated_failed_sign_ins_are_refused_for_a_while(web: Any) -> None:
    from workbench.cruddur.web import AppServer
    from workbench.cruddur.web.throttle import MAX_FAILURES, WINDOW_SECONDS

    with AppServer(
        web.engine, web.directory, web.sign_in, table_name=web.table, port=0, run_stream=False
    ) as server:
        now = [1000.0]
        server.app.extensions["workbench"].throttle.clock = lambda: now[0]
        url = server.url + "api/auth/sign_in"
        wrong = {"handle": "bayko", "password": "Wrong!pass1"}
        right = {"handle": "bayko", "password": web.sign_in.password}
        assert [http(url, "POST", body=wrong)[0] for _ in range(MAX_FAILURES)] == [401] * 5
        for body in (wrong, right, {**right, "handle": "londo"}):  # by handle, by address
            status, text, headers = http(url, "POST", body=body, full=True)
            assert status == 429, text
            assert "too many failed sign-ins" in error_line(text)
            assert int(headers["Retry-After"]) == WINDOW_SECONDS
        now[0] += WINDOW_SECONDS / 2
        status, text, headers = http(url, "POST", body=right, full=True)
        assert status == 429 and int(headers["Retry-After"]) == WINDOW_SECONDS / 2
        now[0] += WINDOW_SECONDS / 2 + 1  # the window has passed
        assert http(url, "POST", body=right)[0] == 200
