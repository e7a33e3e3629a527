"""Engine choice: explicit options, WORKBENCH_* variables, never AWS by accident."""

from __future__ import annotations

import pytest

from workbench.engines import connect
from workbench.errors import EngineError, LocalNotRunning


def test_endpoint_alone_selects_the_endpoint_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    with connect(endpoint="http://localhost:8123/") as engine:
        assert engine.name == "endpoint"
        assert engine.endpoint_url == "http://localhost:8123"
        assert engine.client("dynamodb").meta.endpoint_url == "http://localhost:8123"
    monkeypatch.setenv("WORKBENCH_ENDPOINT", "http://localhost:9999")
    with connect() as engine:
        assert (engine.name, engine.endpoint_url) == ("endpoint", "http://localhost:9999")


def test_workbench_engine_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_ENGINE", "moto")
    with connect() as engine:
        assert engine.name == "moto"
        assert not engine.is_aws


def test_explicit_options_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_ENGINE", "aws")
    with connect("moto") as engine:
        assert engine.name == "moto"


def test_generic_aws_endpoint_url_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:2")
    with connect(endpoint="http://localhost:8123") as engine:
        assert engine.client("dynamodb").meta.endpoint_url == "http://localhost:8123"
    engine = connect("aws")
    try:
        url = engine.client("dynamodb").meta.endpoint_url
        assert "localhost" not in url and "amazonaws.com" in url
    finally:
        engine.close()


def test_local_without_a_running_instance_is_a_clear_error() -> None:
    with pytest.raises(LocalNotRunning, match="workbench local start"):
        connect("local", autostart=False)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"engine": "dynamo"}, "unknown engine 'dynamo'; choose one of"),
        ({"engine": "moto", "endpoint": "http://x:1"}, "contradict each other"),
        ({"endpoint": "localhost:8000"}, "is not a URL"),
        ({"engine": "endpoint"}, "needs a URL"),
    ],
)
def test_bad_choices_name_the_value(kwargs: dict, message: str) -> None:
    with pytest.raises(EngineError, match=message):
        connect(**kwargs)


def test_non_aws_engines_use_dummy_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKINGKEY")
    monkeypatch.delenv("WORKBENCH_ACCESS_KEY_ID")
    with connect(endpoint="http://localhost:8123") as engine:
        creds = engine.client("dynamodb")._request_signer._credentials
        assert creds.access_key == "workbench"
    monkeypatch.setenv("WORKBENCH_ACCESS_KEY_ID", "notebook02")
    with connect(endpoint="http://localhost:8123") as engine:
        creds = engine.client("dynamodb")._request_signer._credentials
        assert creds.access_key == "notebook02"
    with connect(endpoint="http://localhost:8123", access_key="explicit") as engine:
        assert engine.client("dynamodb")._request_signer._credentials.access_key == "explicit"
    monkeypatch.setenv("WORKBENCH_ACCESS_KEY_ID", "note-book")
    with pytest.raises(EngineError, match="access key 'note-book' must be letters and digits only"):
        connect(endpoint="http://localhost:8123")


def test_endpoint_signs_with_the_workbench_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_SECRET_ACCESS_KEY", raising=False)
    with connect(endpoint="http://localhost:8123") as engine:
        assert engine.client("dynamodb")._request_signer._credentials.secret_key == "workbench"
    monkeypatch.setenv("WORKBENCH_SECRET_ACCESS_KEY", "from-env")
    with connect(endpoint="http://localhost:8123") as engine:
        assert engine.client("dynamodb")._request_signer._credentials.secret_key == "from-env"
    with connect(endpoint="http://localhost:8123", secret="given") as engine:
        assert engine.client("dynamodb")._request_signer._credentials.secret_key == "given"
        assert engine.describe() == "endpoint (http://localhost:8123)"


def test_cognito_lives_at_the_same_endpoint_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_COGNITO_ENDPOINT", raising=False)
    with connect(endpoint="http://127.0.0.1:8123") as engine:
        assert engine.client("cognito-idp").meta.endpoint_url == "http://127.0.0.1:8123"
    monkeypatch.setenv("WORKBENCH_COGNITO_ENDPOINT", "http://127.0.0.1:9229")
    with connect(endpoint="http://127.0.0.1:8123") as engine:
        assert engine.client("cognito-idp").meta.endpoint_url == "http://127.0.0.1:9229"


def test_loopback_is_never_proxied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("http_proxy", "http://proxy.invalid:3128")
    with connect(endpoint="http://127.0.0.1:8123") as engine:
        assert engine.client("dynamodb").meta.config.proxies == {}
    with connect(endpoint="http://dynamodb.lan:8000") as engine:
        assert engine.client("dynamodb").meta.config.proxies is None  # the user's proxy applies


@pytest.mark.server
def test_local_autostart_starts_and_stops_a_managed_server(local_server) -> None:
    engine = connect("local", autostart=True)
    server = engine.local_server
    try:
        assert server is not None and server.is_running()
        assert engine.secret == server.secret and server.secret != local_server.secret
        assert engine.describe() == f"local (managed moto server at {server.endpoint})"
        assert engine.client("dynamodb").list_tables()["TableNames"] == []
        pools = engine.client("cognito-idp").list_user_pools(MaxResults=5)["UserPools"]
        assert pools == []
        assert engine.client("cognito-idp").meta.endpoint_url == server.endpoint
    finally:
        engine.close()
    assert not server.is_running()
