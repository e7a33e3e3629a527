"""workbench.engine.mototx: transactions that snapshot only what they touch behave as moto's own.

Oracle: moto's own ``TransactWriteItems`` (which deep-copies every table it names). The same
random transactions, some of them failing part-way, run on two tables: one with the patch, one
without it; items, their order, the GSI and the stream must come out the same.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.engine import mototx

KEYS = st.sampled_from(["a", "b", "c"])
SORTS = st.sampled_from(["1", "2", "3"])
ACTIONS = st.lists(
    st.tuples(st.sampled_from(["put", "put-new", "update", "delete", "check"]), KEYS, SORTS),
    min_size=1,
    max_size=4,
    unique_by=lambda action: (action[1], action[2]),  # one action per item, as DynamoDB asks
)


def _create(client: Any, name: str) -> None:
    client.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )


def _transaction(name: str, actions: list[tuple[str, str, str]], step: int) -> list[dict]:
    out = []
    for kind, pk, sk in actions:
        key = {"pk": {"S": pk}, "sk": {"S": sk}}
        if kind in ("put", "put-new"):
            body: dict[str, Any] = {
                "TableName": name,
                "Item": {**key, "g": {"S": f"g{step % 2}"}, "n": {"N": str(step)}},
            }
            if kind == "put-new":  # fails when the item exists: the whole transaction rolls back
                body["ConditionExpression"] = "attribute_not_exists(pk)"
            out.append({"Put": body})
        elif kind == "update":
            out.append(
                {
                    "Update": {
                        "TableName": name,
                        "Key": key,
                        "UpdateExpression": "SET g = :g, n = :n",
                        "ExpressionAttributeValues": {":g": {"S": f"g{step}"}, ":n": {"N": "7"}},
                    }
                }
            )
        elif kind == "delete":
            out.append({"Delete": {"TableName": name, "Key": key}})
        else:  # a check that fails unless the item's n is the step: a rollback trigger
            out.append(
                {
                    "ConditionCheck": {
                        "TableName": name,
                        "Key": key,
                        "ConditionExpression": "n = :n",
                        "ExpressionAttributeValues": {":n": {"N": str(step)}},
                    }
                }
            )
    return out


def _run(client: Any, streams: Any, name: str, script: list) -> dict[str, Any]:
    outcomes = []
    for step, actions in enumerate(script):
        try:
            client.transact_write_items(TransactItems=_transaction(name, actions, step))
            outcomes.append("ok")
        except client.exceptions.ClientError as exc:
            outcomes.append(exc.response["Error"]["Code"])
    items = client.scan(TableName=name)["Items"]
    by_g = {
        g: client.query(
            TableName=name,
            IndexName="by-g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": g}},
        )["Items"]
        for g in {i["g"]["S"] for i in items}
    }
    arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    stream = [(r["eventName"], r["dynamodb"].get("NewImage")) for r in records]
    return {"outcomes": outcomes, "items": items, "by_g": by_g, "stream": stream}


@pytest.fixture(scope="module")
def clients() -> Any:
    from workbench.engine.engines import connect

    with connect("moto") as engine:
        yield engine.client("dynamodb"), engine.client("dynamodbstreams")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=st.lists(ACTIONS, min_size=1, max_size=6))
def test_transactions_match_motos_own(clients: Any, script: list) -> None:
    client, streams = clients
    assert mototx.installed()  # the moto engine installs it
    patched, plain = f"tx-{uuid.uuid4().hex[:8]}", f"tx-{uuid.uuid4().hex[:8]}"
    _create(client, patched)
    _create(client, plain)
    with_patch = _run(client, streams, patched, script)
    mototx.uninstall()
    try:
        without = _run(client, streams, plain, script)
    finally:
        mototx.install()
    assert with_patch == without


def test_a_failed_transaction_leaves_the_item_and_the_stream_as_they_were(clients: Any) -> None:
    client, streams = clients
    name = f"tx-{uuid.uuid4().hex[:8]}"
    _create(client, name)
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}})
    failing = [
        {
            "Update": {
                "TableName": name,
                "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}},
                "UpdateExpression": "SET g = :g",
                "ExpressionAttributeValues": {":g": {"S": "moved"}},
            }
        },
        {
            "Put": {
                "TableName": name,
                "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "y"}},
            }
        },
    ]
    failing[1]["Put"]["Item"]["sk"] = {"S": "2"}
    failing[1]["Put"]["ConditionExpression"] = "attribute_exists(pk)"  # sk 2 does not exist
    with pytest.raises(client.exceptions.ClientError, match="TransactionCanceled"):
        client.transact_write_items(TransactItems=failing)
    (item,) = client.scan(TableName=name)["Items"]
    assert item["g"] == {"S": "x"}  # the update, done in place before the failure, is undone
    state = _run(client, streams, name, [])
    assert [event for event, _ in state["stream"]] == ["INSERT"]  # no record of the failed one
    assert list(state["by_g"]) == ["x"]


def test_outside_the_supported_moto_versions_nothing_is_patched(monkeypatch) -> None:
    from workbench.engine import motoindex

    mototx.uninstall()
    try:
        monkeypatch.setattr(motoindex, "supported", lambda version=None: False)
        assert mototx.install() is False and not mototx.installed()
    finally:
        monkeypatch.undo()
        mototx.install()
    assert mototx.installed()
