"""Engine choice: explicit options, WORKBENCH_* variables, never AWS by accident."""

from __future__ import annotations

import pytest

from workbench.engine.engines import connect
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


# -- the data loader of the workbench's sessions (issue 16) --------------------------------


@pytest.mark.parametrize("service", ["dynamodb", "dynamodbstreams", "cognito-idp"])
def test_the_service_loader_loads_what_botocore_loads(service: str) -> None:
    from botocore.loaders import create_loader

    from workbench.engine.engines import profile_free_session

    ours = profile_free_session().get_component("data_loader")
    botocores = create_loader()
    for type_name in ("service-2", "endpoint-rule-set-1", "paginators-1"):
        assert ours.load_service_model(service, type_name) == botocores.load_service_model(
            service, type_name
        )
    assert ours.load_data("endpoints") == botocores.load_data("endpoints")
    assert "list_available_services" not in {key[0] for key in ours._cache}  # the shortcut


def test_the_service_loader_leaves_unknown_services_to_botocore() -> None:
    from botocore.exceptions import UnknownServiceError
    from botocore.loaders import create_loader

    from workbench.engine.engines import profile_free_session

    ours = profile_free_session().get_component("data_loader")
    for name in ("dynamodbx", "../dynamodb", "DynamoDB"):
        with pytest.raises(UnknownServiceError) as got:
            ours.load_service_model(name, "service-2")
        with pytest.raises(UnknownServiceError) as expected:
            create_loader().load_service_model(name, "service-2")
        assert str(got.value) == str(expected.value)


def test_a_client_of_an_engine_equals_a_boto3_client_on_moto() -> None:
    import boto3

    with connect("moto") as engine:
        ours = engine.client("dynamodb")
        theirs = boto3.session.Session(
            aws_access_key_id="workbench", aws_secret_access_key="workbench"
        ).client("dynamodb", region_name=engine.region)
        assert type(ours).__name__ == type(theirs).__name__ == "DynamoDB"
        assert ours.meta.service_model.operation_names == theirs.meta.service_model.operation_names
        assert (
            ours.meta.service_model._service_description
            == theirs.meta.service_model._service_description
        )
        assert ours.meta.region_name == theirs.meta.region_name
        assert ours.meta.endpoint_url == theirs.meta.endpoint_url
        ours.create_table(
            TableName="loader-check",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ours.put_item(TableName="loader-check", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
        assert ours.list_tables()["TableNames"] == theirs.list_tables()["TableNames"]
        key = {"pk": {"S": "a"}}
        got = ours.get_item(TableName="loader-check", Key=key)["Item"]
        assert got == theirs.get_item(TableName="loader-check", Key=key)["Item"]
        table = engine.resource().Table("loader-check")  # the boto3 resource still works
        assert table.get_item(Key={"pk": "a"})["Item"]["n"] == 1
        ours.delete_table(TableName="loader-check")
