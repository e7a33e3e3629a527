"""Shared fixtures: in-process moto for fast unit tests, one managed moto server per session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from helpers import (
    SEED_NOW,
    definitions,
    dynamodb_raw,
    index,
    key_schema,
    make_seeded,
    raw_client,
    unique_table_name,
)

# Tests never touch a real account or the user's own background instance / users database.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
for _var in ("WORKBENCH_ENGINE", "WORKBENCH_ENDPOINT", "DATABASE_URL", "AWS_ENDPOINT_URL"):
    os.environ.pop(_var, None)


@pytest.fixture(scope="session", autouse=True)
def _isolated_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep running state (background instance, users.db) in a temporary folder."""
    state = tmp_path_factory.mktemp("state")
    old = os.environ.get("WORKBENCH_STATE_DIR")
    os.environ["WORKBENCH_STATE_DIR"] = str(state)
    yield
    if old is None:
        os.environ.pop("WORKBENCH_STATE_DIR", None)
    else:
        os.environ["WORKBENCH_STATE_DIR"] = old


@pytest.fixture(autouse=True)
def _own_access_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test signs with an access key id of its own: the managed server takes any, and
    nothing may depend on a fixed one (on a DynamoDB Local run without -sharedDb, each key
    would be a database of its own)."""
    monkeypatch.setenv("WORKBENCH_ACCESS_KEY_ID", f"test{uuid.uuid4().hex[:12]}")


@pytest.fixture
def moto_engine() -> Iterator:
    """An engine on moto's in-process mock."""
    from workbench.engine.engines import connect

    with connect("moto") as engine:
        yield engine


@pytest.fixture(scope="session")
def local_server() -> Iterator:
    """One managed moto server (attached) for the whole test session, per xdist worker.

    Its secret is put in ``WORKBENCH_SECRET_ACCESS_KEY``, so ``connect(endpoint=...)`` and
    the CLI's ``--endpoint`` sign with it, and in ``AWS_SECRET_ACCESS_KEY``, which the stream
    Lambda signs with (ambient credentials, as on AWS).
    """
    from workbench.engine.local import LocalServer

    server = LocalServer.start()
    saved = {
        name: os.environ.get(name)
        for name in ("WORKBENCH_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY")
    }
    for name in saved:
        os.environ[name] = server.secret
    yield server
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    server.stop()


@pytest.fixture(scope="session")
def ddb_local(local_server) -> Iterator:
    """The session's managed server, under the name the tests used for DynamoDB Local."""
    yield local_server


@pytest.fixture
def local_engine(local_server) -> Iterator:
    """An engine ``local`` on the session's managed server, signing with its secret."""
    from workbench.engine.engines import Engine

    with Engine("local", endpoint_url=local_server.endpoint, secret=local_server.secret) as engine:
        yield engine


@pytest.fixture(scope="module")
def ddb(local_server) -> Iterator:
    """A raw boto3 client of the managed server (``helpers.raw_client``), one per module."""
    client = raw_client(local_server)
    yield client
    client.close()


@pytest.fixture
def raw(local_server):
    """Send one raw, signed DynamoDB request to the managed server: (status, JSON answer),
    for what botocore would refuse to send (``helpers.dynamodb_raw``)."""

    def post(operation: str, body: object) -> tuple[int, object]:
        return dynamodb_raw(local_server.endpoint, local_server.secret, operation, body)

    return post


@pytest.fixture
def local_client(local_engine):
    """A plain boto3 DynamoDB client on the managed server (no workbench checks)."""
    return local_engine.client("dynamodb")


@pytest.fixture
def provisioned_table(local_client) -> str:
    """A provisioned table (pk S, 5/5) with a GSI ``gsi`` on ``g`` (S), on the managed server."""
    name = unique_table_name("conf")
    throughput = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    local_client.create_table(
        TableName=name,
        KeySchema=key_schema("pk"),
        AttributeDefinitions=definitions({"pk": "S", "g": "S"}),
        ProvisionedThroughput=throughput,
        GlobalSecondaryIndexes=[{**index("gsi", "g"), "ProvisionedThroughput": throughput}],
    )
    return name


@pytest.fixture
def table_name() -> str:
    """A fresh, unique table name (the analogue of sqlite-utils' ``fresh_db``)."""
    return unique_table_name()


@pytest.fixture(params=["moto", pytest.param("local", marks=pytest.mark.server)])
def engine(request: pytest.FixtureRequest) -> Iterator:
    """The same test on in-process moto and on the session's managed server (real HTTP)."""
    if request.param == "moto":
        yield request.getfixturevalue("moto_engine")
    else:
        yield request.getfixturevalue("local_engine")


@pytest.fixture
def users() -> Iterator:
    """A fresh in-memory users directory holding the seed users."""
    from workbench.cruddur.users import open_directory

    with open_directory("sqlite:///:memory:") as directory:
        directory.ensure_seed_users()
        yield directory


@pytest.fixture
def seeded(engine, users, table_name: str) -> str:
    """A seeded table on the parametrised engine (in-process moto and the managed server)."""
    return make_seeded(engine, users, table_name)


@pytest.fixture
def local_seeded(local_engine, users, table_name: str) -> str:
    """A seeded table on the session's managed server."""
    return make_seeded(local_engine, users, table_name)


@pytest.fixture
def seed_now() -> str:
    """When the ``seeded`` fixtures' conversation ends."""
    return SEED_NOW
