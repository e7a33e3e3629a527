"""workbench.engine.motoindex: patched moto queries return exactly what moto's own path returns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.engine import motoindex

TABLE = "motoindex-property"
VALUES = {"S": ["a", "ab", "abc", "b", "ba"], "N": ["1", "1.0", "2", "10", "-3", "2.5"]}
RANGE_OPS = ["=", "<", "<=", ">", ">=", "between", "begins_with"]


@pytest.fixture
def client(moto_engine: Any) -> Iterator[Any]:
    """A DynamoDB client on in-process moto, with the patch installed."""
    assert motoindex.install()
    yield moto_engine.client("dynamodb")


# -- strategies ----------------------------------------------------------------------------


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, Any]:
    """A table: pk (S/N), maybe sk, up to two GSIs (own or the table's partition key, with
    or without a sort key, any projection) and maybe an LSI."""
    types = {"pk": draw(st.sampled_from("SN"))}
    if draw(st.booleans()):
        types["sk"] = draw(st.sampled_from("SN"))
    gsis = []
    for number in range(draw(st.integers(0, 2))):
        hash_attr = "pk" if draw(st.integers(0, 3)) == 0 else f"g{number}h"
        range_attr = f"g{number}r" if hash_attr == "pk" or draw(st.booleans()) else None
        for attr in (hash_attr, range_attr):
            if attr:
                types.setdefault(attr, draw(st.sampled_from("SN")))
        gsis.append(
            (
                f"gsi{number}",
                hash_attr,
                range_attr,
                draw(st.sampled_from(["ALL", "KEYS_ONLY", "INCLUDE"])),
            )
        )
    lsi = "sk" in types and draw(st.booleans())
    if lsi:
        types["lr"] = draw(st.sampled_from("SN"))
    return {"types": types, "gsis": gsis, "lsi": lsi}


def create_table(client: Any, schema: dict[str, Any]) -> None:
    types = schema["types"]
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
    if "sk" in types:
        keys.append({"AttributeName": "sk", "KeyType": "RANGE"})
    params: dict[str, Any] = {
        "TableName": TABLE,
        "KeySchema": keys,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": a, "AttributeType": t} for a, t in types.items()
        ],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    }
    if schema["gsis"]:
        params["GlobalSecondaryIndexes"] = [
            {
                "IndexName": name,
                "KeySchema": [{"AttributeName": hash_attr, "KeyType": "HASH"}]
                + ([{"AttributeName": range_attr, "KeyType": "RANGE"}] if range_attr else []),
                "Projection": {"ProjectionType": projection}
                | ({"NonKeyAttributes": ["d"]} if projection == "INCLUDE" else {}),
            }
            for name, hash_attr, range_attr, projection in schema["gsis"]
        ]
    if schema["lsi"]:
        params["LocalSecondaryIndexes"] = [
            {
                "IndexName": "lsi",
                "Projection": {"ProjectionType": "ALL"},
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "lr", "KeyType": "RANGE"},
                ],
            }
        ]
    client.create_table(**params)


def value(draw: st.DrawFn, kind: str) -> dict[str, str]:
    return {kind: draw(st.sampled_from(VALUES[kind]))}


def key(draw: st.DrawFn, types: dict[str, str]) -> dict[str, Any]:
    return {a: value(draw, types[a]) for a in ("pk", "sk") if a in types}


def item(draw: st.DrawFn, types: dict[str, str]) -> dict[str, Any]:
    found = key(draw, types)
    for attr, kind in types.items():
        if attr not in found and draw(st.integers(0, 3)) > 0:  # absent now and then: sparse
            found[attr] = value(draw, kind)
    if draw(st.booleans()):
        found["d"] = {"N": str(draw(st.integers(0, 5)))}
    return found


def update(draw: st.DrawFn, types: dict[str, str]) -> dict[str, Any]:
    """An UpdateItem's parameters: set or remove index attributes and ``d``."""
    sets, removes, values = [], [], {}
    for number, attr in enumerate(a for a in [*types, "d"] if a not in ("pk", "sk")):
        choice = draw(st.integers(0, 2))
        if choice == 1:
            sets.append(f"{attr} = :v{number}")
            values[f":v{number}"] = (
                value(draw, types[attr]) if attr in types else {"N": str(draw(st.integers(0, 5)))}
            )
        elif choice == 2:
            removes.append(attr)
    expression = (
        " ".join(
            part
            for part in (
                "SET " + ", ".join(sets) if sets else "",
                "REMOVE " + ", ".join(removes) if removes else "",
            )
            if part
        )
        or "REMOVE d"
    )
    params = {"Key": key(draw, types), "UpdateExpression": expression}
    return params | ({"ExpressionAttributeValues": values} if values else {})


def distinct_by_key(make: Any, size: int) -> list[dict[str, Any]]:
    """Up to ``size`` made requests, no two on one item (DynamoDB refuses that in a batch)."""
    found: dict[str, dict[str, Any]] = {}
    for _ in range(size):
        made = make()
        source = made.get("PutRequest", made.get("DeleteRequest", made))
        source = source.get("Item") or source.get("Key")
        found.setdefault(repr(sorted((a, source[a]) for a in ("pk", "sk") if a in source)), made)
    return list(found.values())


@st.composite
def writes(draw: st.DrawFn, types: dict[str, str]) -> tuple[str, Any]:
    kind = draw(st.sampled_from(["put", "update", "delete", "batch", "transaction"]))
    if kind == "put":
        return kind, item(draw, types)
    if kind == "update":
        return kind, update(draw, types)
    if kind == "delete":
        return kind, key(draw, types)
    size = draw(st.integers(1, 6))
    if kind == "batch":
        return kind, distinct_by_key(
            lambda: (
                {"PutRequest": {"Item": item(draw, types)}}
                if draw(st.booleans())
                else {"DeleteRequest": {"Key": key(draw, types)}}
            ),
            size,
        )

    def action() -> dict[str, Any]:
        choice = draw(st.integers(0, 3))
        if choice == 0:
            put = {"Item": item(draw, types)}
            if draw(st.booleans()):  # fails when the item exists: the whole batch rolls back
                put["ConditionExpression"] = "attribute_not_exists(pk)"
            return {"Put": put}
        if choice == 1:
            return {"Update": update(draw, types)}
        if choice == 2:
            return {"Delete": {"Key": key(draw, types)}}
        return {
            "ConditionCheck": {
                "Key": key(draw, types),
                "ConditionExpression": "attribute_not_exists(d)",
            }
        }

    actions = distinct_by_key(lambda: _flat(action()), size)
    return kind, [{op: body | {"TableName": TABLE}} for op, body in (_unflat(a) for a in actions)]


def _flat(action: dict[str, Any]) -> dict[str, Any]:
    ((op, body),) = action.items()
    return {**body, "_op": op}


def _unflat(flat: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    body = {k: v for k, v in flat.items() if k != "_op"}
    return flat["_op"], body


@st.composite
def queries(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    """A Query: table or index, a key condition, a direction, a page size, maybe a filter."""
    types = schema["types"]
    targets = [(None, "pk", "sk" if "sk" in types else None)]
    targets += [(name, h, r) for name, h, r, _ in schema["gsis"]]
    if schema["lsi"]:
        targets.append(("lsi", "pk", "lr"))
    index, hash_attr, range_attr = draw(st.sampled_from(targets))
    names, values = {"#h": hash_attr}, {":h": value(draw, types[hash_attr])}
    condition = "#h = :h"
    if range_attr and draw(st.booleans()):
        kind = types[range_attr]
        op = draw(st.sampled_from([o for o in RANGE_OPS if kind == "S" or o != "begins_with"]))
        names["#r"] = range_attr
        values[":r1"] = value(draw, kind)
        if op == "between":
            low, high = sorted(
                [values[":r1"], value(draw, kind)],
                key=lambda v: v[kind] if kind == "S" else float(v[kind]),
            )
            values[":r1"], values[":r2"] = low, high
            condition += " AND #r BETWEEN :r1 AND :r2"
        elif op == "begins_with":
            condition += " AND begins_with(#r, :r1)"
        else:
            condition += f" AND #r {op} :r1"
    params: dict[str, Any] = {
        "TableName": TABLE,
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": draw(st.booleans()),
    }
    if index:
        params["IndexName"] = index
    if draw(st.booleans()):
        params["Limit"] = draw(st.integers(1, 4))
    if draw(st.booleans()):
        params["FilterExpression"] = "attribute_not_exists(d) OR d >= :d"
        values[":d"] = {"N": str(draw(st.integers(0, 5)))}
    return params


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    schema = draw(schemas())
    steps = draw(
        st.lists(
            st.one_of(writes(schema["types"]), queries(schema).map(lambda q: ("query", q))),
            min_size=1,
            max_size=30,
        )
    )
    # Query each index once before any write too, so the maps are built early and then
    # have to be kept current write by write.
    return schema, [("query", draw(queries(schema)))] + steps


# -- running them --------------------------------------------------------------------------


def write(client: Any, kind: str, params: Any) -> None:
    try:
        if kind == "put":
            client.put_item(TableName=TABLE, Item=params)
        elif kind == "update":
            client.update_item(TableName=TABLE, **params)
        elif kind == "delete":
            client.delete_item(TableName=TABLE, Key=params)
        elif kind == "batch":
            client.batch_write_item(RequestItems={TABLE: params})
        else:
            client.transact_write_items(TransactItems=params)
    except ClientError as exc:  # a cancelled transaction: moto restores the table
        assert exc.response["Error"]["Code"] == "TransactionCanceledException", exc


RESULT_FIELDS = ("Items", "Count", "ScannedCount", "LastEvaluatedKey")


def both_paths_agree(client: Any, params: dict[str, Any]) -> int:
    """Every page of the query on both paths; returns how many items the pages held."""
    params, seen = dict(params), 0
    for _ in range(100):
        patched = client.query(**params)
        with motoindex.bypassed():
            original = client.query(**params)
        assert {f: patched.get(f) for f in RESULT_FIELDS} == {
            f: original.get(f) for f in RESULT_FIELDS
        }, params
        seen += patched["Count"]
        if "LastEvaluatedKey" not in patched:
            return seen
        params["ExclusiveStartKey"] = patched["LastEvaluatedKey"]
    raise AssertionError(f"more than 100 pages: {params}")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_patched_queries_return_what_moto_returns(client: Any, scenario: Any) -> None:
    schema, steps = scenario
    create_table(client, schema)
    try:
        for kind, params in steps:
            if kind == "query":
                both_paths_agree(client, params)
            else:
                write(client, kind, params)
        for target in [None] + [g[0] for g in schema["gsis"]]:  # every index at the end
            for kind in {schema["types"][a] for a in schema["types"]}:
                for raw in VALUES[kind]:
                    hash_attr = next((h for n, h, _, _ in schema["gsis"] if n == target), "pk")
                    if schema["types"][hash_attr] != kind:
                        continue
                    query = {
                        "TableName": TABLE,
                        "KeyConditionExpression": "#h = :h",
                        "ExpressionAttributeNames": {"#h": hash_attr},
                        "ExpressionAttributeValues": {":h": {kind: raw}},
                        "Limit": 2,
                    }
                    both_paths_agree(client, query | ({"IndexName": target} if target else {}))
    finally:
        client.delete_table(TableName=TABLE)


# -- narrowing, lifecycle and the version guard --------------------------------------------


def moto_table(name: str) -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].get_table(name)


def make_groups_table(client: Any, name: str, groups: int, per_group: int) -> None:
    """pk/sk table with a sparse GSI on ``g``: ``groups`` partitions; one item in each has g."""
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "g")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "Projection": {"ProjectionType": "ALL"},
                "KeySchema": [
                    {"AttributeName": "g", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
            }
        ],
    )
    for group in range(groups):
        for index in range(per_group):
            entry = {"pk": {"S": f"P{group}"}, "sk": {"S": f"{index:04d}"}}
            if index == 0:
                entry["g"] = {"S": f"G{group % 3}"}
            client.put_item(TableName=name, Item=entry)


def test_candidates_are_the_partition_and_the_index_value(client: Any) -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    make_groups_table(client, "narrow", groups=6, per_group=4)
    table = moto_table("narrow")
    partition = motoindex.candidates(table, DynamoType({"S": "P2"}))
    assert partition is not None
    assert [(i.hash_key.value, i.range_key.value) for i in partition] == [
        ("P2", f"{n:04d}") for n in range(4)
    ]
    on_index = motoindex.candidates(table, DynamoType({"S": "G1"}), "by-g")
    assert on_index is not None
    assert [i.hash_key.value for i in on_index] == ["P1", "P4"]
    # A write moves an item between index values; a query sees it at once.
    client.update_item(
        TableName="narrow",
        Key={"pk": {"S": "P1"}, "sk": {"S": "0000"}},
        UpdateExpression="SET g = :g",
        ExpressionAttributeValues={":g": {"S": "G2"}},
    )
    moved = motoindex.candidates(table, DynamoType({"S": "G2"}), "by-g")
    assert [i.hash_key.value for i in moved or []] == ["P1", "P2", "P5"]
    page = client.query(
        TableName="narrow",
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "G1"}},
    )
    assert [i["pk"]["S"] for i in page["Items"]] == ["P4"]
    assert page["ScannedCount"] == 1


def test_a_recreated_table_gets_fresh_maps(client: Any) -> None:
    make_groups_table(client, "again", groups=3, per_group=2)
    query = {
        "TableName": "again",
        "IndexName": "by-g",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "G0"}},
    }
    assert both_paths_agree(client, query) == 1
    client.delete_table(TableName="again")
    make_groups_table(client, "again", groups=4, per_group=1)
    assert both_paths_agree(client, query) == 2  # P0 and P3, none left from the old table


def test_a_moto_outside_the_range_is_left_alone(
    client: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import moto
    from moto.dynamodb.models.table import Table

    motoindex.uninstall()
    original = Table.query
    monkeypatch.setattr(moto, "__version__", "5.3.0")
    monkeypatch.setattr(motoindex, "_warned", False)
    try:
        assert motoindex.install() is False
        assert not motoindex.installed()
        assert Table.query is original and Table.put_item.__module__ != motoindex.__name__
        assert "outside the versions" in caplog.text
        assert motoindex.candidates(None, None) is None
        assert not motoindex.supported("5.2.4") and not motoindex.supported("6.0.0")
        assert motoindex.supported("5.2.5") and motoindex.supported("5.2.9.dev1")
    finally:
        monkeypatch.undo()
        assert motoindex.install() is True
    assert Table.query is not original
