"""Cognito sync against moto's cognito-idp: pool set-up, pagination, ids by handle, MOCK."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from workbench.cruddur.cognito import (
    list_cognito_users,
    pool_id,
    require_cognito_id,
    setup_local_pool,
    update_cognito_user_ids,
    user_for_sub,
)
from workbench.cruddur.users import UsersDirectory, open_directory
from workbench.errors import CognitoError, NotFound


@pytest.fixture
def directory() -> Iterator[UsersDirectory]:
    with open_directory("sqlite:///:memory:") as directory:
        directory.ensure_seed_users()
        yield directory


def test_setup_local_pool_then_update_ids(moto_engine, directory: UsersDirectory) -> None:
    pool = setup_local_pool(moto_engine, directory)
    assert setup_local_pool(moto_engine, directory) == pool  # reused, users not duplicated
    assert pool_id(moto_engine) == pool
    users = list_cognito_users(moto_engine)
    assert sorted(users) == ["andrewbrown", "bayko", "londo"]
    changed = update_cognito_user_ids(moto_engine, directory)
    assert sorted(changed) == sorted(users.items())
    assert update_cognito_user_ids(moto_engine, directory) == []  # nothing left to change
    londo = directory.get_by_handle("londo")
    assert require_cognito_id(londo) == users["londo"]
    assert user_for_sub(directory, users["londo"]).handle == "londo"


def test_pagination_past_sixty_users(moto_engine, directory: UsersDirectory) -> None:
    for i in range(65):
        directory.add_user(f"User {i}", f"user{i:02d}", f"u{i}@example.com")
    pool = setup_local_pool(moto_engine, directory)
    users = list_cognito_users(moto_engine, pool)
    assert len(users) == 68
    changed = update_cognito_user_ids(moto_engine, directory, pool)
    assert len(changed) == 68
    assert directory.get_by_handle("user64").cognito_user_id == users["user64"]


def test_pool_users_without_a_directory_row_are_skipped(
    moto_engine, directory: UsersDirectory
) -> None:
    pool = setup_local_pool(moto_engine, directory)
    moto_engine.client("cognito-idp").admin_create_user(
        UserPoolId=pool,
        Username="stranger",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "preferred_username", "Value": "stranger"}],
    )
    changed = update_cognito_user_ids(moto_engine, directory, pool)
    assert "stranger" not in dict(changed)
    assert directory.get_by_handle("stranger") is None


def test_mock_users_get_a_clear_error(directory: UsersDirectory) -> None:
    with pytest.raises(CognitoError, match="'londo' has no Cognito id yet.*setup-local"):
        require_cognito_id(directory.get_by_handle("londo"))
    with pytest.raises(CognitoError, match="placeholder"):
        user_for_sub(directory, "MOCK")
    with pytest.raises(NotFound, match="no user has Cognito id 'abc'"):
        user_for_sub(directory, "abc")


def test_no_pool_yet_says_what_to_run(moto_engine, monkeypatch) -> None:
    monkeypatch.delenv("AWS_COGNITO_USER_POOL_ID", raising=False)
    with pytest.raises(CognitoError, match="workbench cognito setup-local"):
        pool_id(moto_engine)
    monkeypatch.setenv("AWS_COGNITO_USER_POOL_ID", "us-east-1_given")
    assert pool_id(moto_engine) == "us-east-1_given"


class _FakeAws:
    name = "aws"
    is_aws = True

    def client(self, service: str):  # pragma: no cover - must never be reached
        raise AssertionError("setup_local_pool contacted AWS")


def test_setup_local_refuses_aws(directory: UsersDirectory) -> None:
    with pytest.raises(CognitoError, match="refuses to touch AWS"):
        setup_local_pool(_FakeAws(), directory)


@pytest.fixture
def moto_server_url() -> Iterator[str]:
    """A moto server (every AWS API, Cognito included) on a free loopback port."""
    import socket

    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _cli(args: list[str], env: dict[str, str]):
    from click.testing import CliRunner

    from workbench.cli import cli

    return CliRunner().invoke(cli, args, env=env)


def test_setup_local_on_an_endpoint_uses_its_cognito_and_the_pool_stays(
    moto_server_url: str, tmp_path, monkeypatch
) -> None:
    import stat

    env = {
        "WORKBENCH_ENGINE": "",
        "WORKBENCH_ENDPOINT": moto_server_url,
        "WORKBENCH_COGNITO_ENDPOINT": "",
        "WORKBENCH_STATE_DIR": str(tmp_path / "state"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'users.db'}",
    }
    setup = _cli(["cognito", "setup-local"], env)
    assert setup.exit_code == 0, setup.stderr
    assert f"on {moto_server_url}" in setup.stdout
    # A later command, in a later engine, finds the same pool and its users.
    listed = _cli(["cognito", "list-users", "--json"], env)
    assert listed.exit_code == 0, listed.stderr
    assert set(json.loads(listed.stdout)) == {"andrewbrown", "bayko", "londo"}
    state = tmp_path / "state" / "cognito.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600


def test_setup_local_on_an_endpoint_without_cognito_says_what_to_do(tmp_path) -> None:
    import http.server
    import threading

    class DynamoOnly(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = b'{"__type": "UnknownOperationException"}'
            self.send_response(400)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DynamoOnly)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        env = {
            "WORKBENCH_ENGINE": "",
            "WORKBENCH_ENDPOINT": url,
            "WORKBENCH_COGNITO_ENDPOINT": "",
            "WORKBENCH_STATE_DIR": str(tmp_path / "state"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'users.db'}",
        }
        result = _cli(["cognito", "setup-local"], env)
    finally:
        server.shutdown()
    assert result.exit_code == 1
    assert result.stdout == ""  # no success reported
    assert result.stderr.splitlines() == [
        f"Error: the endpoint {url} serves no Cognito API (ClientError): set "
        "WORKBENCH_COGNITO_ENDPOINT to one (for example a moto server), or use the managed "
        "server (`workbench local start`, then no --endpoint)"
    ]
