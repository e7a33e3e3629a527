"""ConsumedCapacity as DynamoDB answers it, from the managed server, for every client (issue 18).

Requests go over real HTTP to the session's managed server with a raw boto3 client, so the
server's own figure is what is tested (engine/local/capacity.py, item_capacity.py,
statement_capacity.py): the units by DynamoDB's rules on what the request really read and
wrote, the index arms, the read/write split of transactions, the per-table lists of batches,
PartiQL's figures. The expected figures are those real DynamoDB answers (the conformance
suite's measurements, the Developer Guide's rules in docs/capacity.md).

The last tests hold the server's figure to the workbench's own, computed on the client
(``dynamo.consumed`` and ``design.exercise.send_counted``): equal for Cruddur's patterns A-E
and for random requests of every item operation, wherever the client's figure is exact.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import KEYS_ONLY, SEED_NOW, create_table, index, unique_table_name

from workbench.model import CRUDDUR, SEED_GROUP_UUID
from workbench.model.capacity import compute, from_description
from workbench.model.requests import Request

pytestmark = pytest.mark.server

INDEXES = "INDEXES"
TOTAL = "TOTAL"


def _include(*names: str) -> dict:
    return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(names)}


@pytest.fixture(scope="module")
def tables(ddb) -> Iterator[dict[str, str]]:
    """``hash``: pk only. ``idx``: pk/sk, a GSI ``gsi-inc`` (gsiPk, INCLUDE proj) and an LSI
    ``lsi1`` (lsiSk, ALL), as the conformance suite measured DynamoDB on. ``mix``: pk/sk with
    three GSIs and three LSIs, one of each projection, for the random requests."""
    names = {key: unique_table_name(f"cap-{key}") for key in ("hash", "idx", "mix")}
    create_table(ddb, names["hash"], [("pk", "S")])
    create_table(
        ddb,
        names["idx"],
        [("pk", "S"), ("sk", "S")],
        types={"gsiPk": "S", "lsiSk": "S"},
        GlobalSecondaryIndexes=[index("gsi-inc", "gsiPk", projection=_include("proj"))],
        LocalSecondaryIndexes=[index("lsi1", "pk", "lsiSk")],
    )
    create_table(
        ddb,
        names["mix"],
        [("pk", "S"), ("sk", "S")],
        types={n: "S" for n in ("ga", "gb", "gc", "la", "lb", "lc")},
        GlobalSecondaryIndexes=[
            index("g-all", "ga"),
            index("g-keys", "gb", "sk", KEYS_ONLY),
            index("g-inc", "ga", "gc", _include("note")),
        ],
        LocalSecondaryIndexes=[
            index("l-all", "pk", "la"),
            index("l-keys", "pk", "lb", KEYS_ONLY),
            index("l-inc", "pk", "lc", _include("note")),
        ],
    )
    yield names
    for name in names.values():
        ddb.delete_table(TableName=name)


def _s(text: str) -> dict[str, str]:
    return {"S": text}


def _arms(cc: dict[str, Any]) -> dict[str, float]:
    """Every index arm of a ConsumedCapacity entry, GSI and LSI, by name."""
    arms = {**cc.get("GlobalSecondaryIndexes", {}), **cc.get("LocalSecondaryIndexes", {})}
    return {name: arm["CapacityUnits"] for name, arm in arms.items()}


# -- single-item operations -------------------------------------------------------------


def test_get_item_is_one_unit_consistent_half_eventual_with_no_split(ddb, tables) -> None:
    ddb.put_item(TableName=tables["hash"], Item={"pk": _s("get"), "data": _s("x")})
    for consistent, units in ((True, 1.0), (False, 0.5)):
        cc = ddb.get_item(
            TableName=tables["hash"],
            Key={"pk": _s("get")},
            ConsistentRead=consistent,
            ReturnConsumedCapacity=TOTAL,
        )["ConsumedCapacity"]
        assert cc == {"TableName": tables["hash"], "CapacityUnits": units}
    missing = ddb.get_item(
        TableName=tables["hash"], Key={"pk": _s("nobody")}, ReturnConsumedCapacity=INDEXES
    )["ConsumedCapacity"]
    assert missing == {
        "TableName": tables["hash"],
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.5},
    }


def test_a_big_item_is_charged_by_4_kb_to_read_and_1_kb_to_write(ddb, tables) -> None:
    item = {"pk": _s("big"), "data": _s("x" * 9000)}  # 9,010 bytes
    put = ddb.put_item(TableName=tables["hash"], Item=item, ReturnConsumedCapacity=TOTAL)
    assert put["ConsumedCapacity"]["CapacityUnits"] == 9.0
    got = ddb.get_item(
        TableName=tables["hash"],
        Key={"pk": _s("big")},
        ProjectionExpression="pk",  # the whole item is read, whatever is answered
        ConsistentRead=True,
        ReturnConsumedCapacity=TOTAL,
    )
    assert got["Item"] == {"pk": _s("big")} and got["ConsumedCapacity"]["CapacityUnits"] == 3.0
    smaller = ddb.update_item(
        TableName=tables["hash"],
        Key={"pk": _s("big")},
        UpdateExpression="SET #d = :v",
        ExpressionAttributeNames={"#d": "data"},
        ExpressionAttributeValues={":v": _s("y")},
        ReturnConsumedCapacity=TOTAL,
    )
    assert smaller["ConsumedCapacity"]["CapacityUnits"] == 9.0  # the larger of old and new
    gone = ddb.delete_item(
        TableName=tables["hash"], Key={"pk": _s("big")}, ReturnConsumedCapacity=TOTAL
    )
    assert gone["ConsumedCapacity"] == {"TableName": tables["hash"], "CapacityUnits": 1.0}


def _put(ddb: Any, table: str, item: dict, mode: str = INDEXES) -> dict[str, Any]:
    return ddb.put_item(TableName=table, Item=item, ReturnConsumedCapacity=mode)["ConsumedCapacity"]


def test_a_put_reports_the_index_arms_it_wrote_and_none_it_did_not(ddb, tables) -> None:
    table = tables["idx"]
    both = {
        "pk": _s("put-1"),
        "sk": _s("1"),
        "gsiPk": _s("g"),
        "lsiSk": _s("L"),
        "proj": _s("p"),
    }
    cc = _put(ddb, table, both)
    assert cc == {
        "TableName": table,
        "CapacityUnits": 3.0,
        "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"gsi-inc": {"CapacityUnits": 1.0}},
        "LocalSecondaryIndexes": {"lsi1": {"CapacityUnits": 1.0}},
    }
    # An identical overwrite changes no index entry: the table write alone.
    assert _put(ddb, table, both) == {
        "TableName": table,
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 1.0},
    }
    sparse = _put(ddb, table, {"pk": _s("put-2"), "sk": _s("1"), "other": _s("o")})
    assert "GlobalSecondaryIndexes" not in sparse and "LocalSecondaryIndexes" not in sparse
    total = _put(ddb, table, {**both, "pk": _s("put-3")}, TOTAL)
    assert total == {"TableName": table, "CapacityUnits": 3.0}


@pytest.mark.parametrize(
    ("expression", "values", "table_units", "arms"),
    [
        ("SET plain_attr = :v", {":v": _s("o2")}, 1.0, {"lsi1": 1.0}),
        ("SET proj = :v", {":v": _s("p2")}, 1.0, {"gsi-inc": 1.0, "lsi1": 1.0}),
        ("SET gsiPk = :v", {":v": _s("moved")}, 1.0, {"gsi-inc": 2.0, "lsi1": 1.0}),
        ("REMOVE gsiPk", None, 1.0, {"gsi-inc": 1.0, "lsi1": 1.0}),
        ("SET lsiSk = :v", {":v": _s("L2")}, 1.0, {"lsi1": 2.0}),
    ],
)
def test_an_update_charges_each_index_on_what_its_entry_became(
    ddb, tables, expression: str, values: dict | None, table_units: float, arms: dict
) -> None:
    table = tables["idx"]
    key = {"pk": _s(f"upd-{abs(hash(expression))}"), "sk": _s("1")}
    item = {**key, "gsiPk": _s("g"), "lsiSk": _s("L1"), "proj": _s("p"), "plain_attr": _s("o")}
    ddb.put_item(TableName=table, Item=item)
    extra = {"ExpressionAttributeValues": values} if values else {}
    cc = ddb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression=expression,
        ReturnConsumedCapacity=INDEXES,
        **extra,
    )["ConsumedCapacity"]
    assert cc["Table"] == {"CapacityUnits": table_units}
    assert _arms(cc) == arms
    assert cc["CapacityUnits"] == table_units + sum(arms.values())
    assert "WriteCapacityUnits" not in cc  # only transactions split read and write


def test_a_delete_charges_each_index_the_item_was_in(ddb, tables) -> None:
    table = tables["idx"]
    key = {"pk": _s("del"), "sk": _s("1")}
    ddb.put_item(TableName=table, Item={**key, "gsiPk": _s("g"), "lsiSk": _s("L")})
    cc = ddb.delete_item(TableName=table, Key=key, ReturnConsumedCapacity=INDEXES)
    assert _arms(cc["ConsumedCapacity"]) == {"gsi-inc": 1.0, "lsi1": 1.0}
    assert cc["ConsumedCapacity"]["CapacityUnits"] == 3.0


# -- Query and Scan -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def rows(ddb, tables) -> str:
    """Six 230-byte items in one collection of ``idx`` (1,380 bytes: one 4 KB unit)."""
    table = tables["idx"]
    for i in range(6):
        item = {
            "pk": _s("rows"),
            "sk": _s(f"s{i}"),
            "keep": _s("yes" if i == 0 else "no"),
            "lsiSk": _s(f"l{i}"),
            "gsiPk": _s("rows-g"),
            "filler": _s("x" * 200),
        }
        ddb.put_item(TableName=table, Item=item)
    return table


def _query(ddb: Any, table: str, **extra: Any) -> dict[str, Any]:
    values = {":p": _s("rows"), **extra.pop("ExpressionAttributeValues", {})}
    return ddb.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues=values,
        ReturnConsumedCapacity=INDEXES,
        **extra,
    )


def test_a_query_is_sized_before_its_filter_and_projection(ddb, rows) -> None:
    plain = _query(ddb, rows, ConsistentRead=True)
    assert plain["Count"] == 6 and plain["ConsumedCapacity"]["CapacityUnits"] == 1.0
    filtered = _query(
        ddb,
        rows,
        ConsistentRead=True,
        FilterExpression="keep = :k",
        ExpressionAttributeValues={":k": _s("none")},
        ProjectionExpression="sk",
        Select="SPECIFIC_ATTRIBUTES",
    )
    assert filtered["Count"] == 0
    assert filtered["ConsumedCapacity"] == plain["ConsumedCapacity"]
    counted = _query(ddb, rows, Select="COUNT")
    assert counted["ConsumedCapacity"]["CapacityUnits"] == 0.5


def test_a_scan_is_sized_before_its_filter(ddb, rows) -> None:
    plain = ddb.scan(TableName=rows, ReturnConsumedCapacity=TOTAL)["ConsumedCapacity"]
    filtered = ddb.scan(
        TableName=rows,
        FilterExpression="keep = :k",
        ExpressionAttributeValues={":k": _s("yes")},
        ProjectionExpression="pk",
        ReturnConsumedCapacity=TOTAL,
    )
    assert filtered["Count"] < 6 and filtered["ConsumedCapacity"] == plain


def test_an_index_read_is_charged_to_its_arm(ddb, rows) -> None:
    gsi = ddb.query(
        TableName=rows,
        IndexName="gsi-inc",
        KeyConditionExpression="gsiPk = :g",
        ExpressionAttributeValues={":g": _s("rows-g")},
        ReturnConsumedCapacity=INDEXES,
    )["ConsumedCapacity"]
    assert gsi["Table"] == {"CapacityUnits": 0.0}
    assert gsi["GlobalSecondaryIndexes"] == {"gsi-inc": {"CapacityUnits": 0.5}}
    lsi = _query(ddb, rows, IndexName="lsi1", ConsistentRead=True)["ConsumedCapacity"]
    assert lsi["Table"] == {"CapacityUnits": 0.0} and _arms(lsi) == {"lsi1": 1.0}


# -- batches and transactions --------------------------------------------------------------


def test_a_batch_write_answers_one_entry_per_table(ddb, tables) -> None:
    table = tables["idx"]
    writes = [
        {"PutRequest": {"Item": {"pk": _s("bw-1"), "sk": _s("1"), "gsiPk": _s("g")}}},
        {"PutRequest": {"Item": {"pk": _s("bw-2"), "sk": _s("1"), "other": _s("o")}}},
    ]
    answer = ddb.batch_write_item(
        RequestItems={table: writes, tables["hash"]: [{"PutRequest": {"Item": {"pk": _s("bw")}}}]},
        ReturnConsumedCapacity=INDEXES,
    )
    assert answer["ConsumedCapacity"] == [
        {
            "TableName": table,
            "CapacityUnits": 3.0,
            "Table": {"CapacityUnits": 2.0},
            "GlobalSecondaryIndexes": {"gsi-inc": {"CapacityUnits": 1.0}},
        },
        {"TableName": tables["hash"], "CapacityUnits": 1.0, "Table": {"CapacityUnits": 1.0}},
    ]


def test_a_batch_get_charges_each_key_and_a_missing_one(ddb, tables) -> None:
    ddb.put_item(TableName=tables["hash"], Item={"pk": _s("bg"), "d": _s("x" * 5000)})
    answer = ddb.batch_get_item(
        RequestItems={
            tables["hash"]: {
                "Keys": [{"pk": _s("bg")}, {"pk": _s("bg-none")}],
                "ConsistentRead": True,
            }
        },
        ReturnConsumedCapacity=TOTAL,
    )
    assert answer["ConsumedCapacity"] == [{"TableName": tables["hash"], "CapacityUnits": 3.0}]


def test_transactions_cost_twice_and_split_read_and_write(ddb, tables) -> None:
    table = tables["hash"]
    puts = [{"Put": {"TableName": table, "Item": {"pk": _s(f"tw-{i}")}}} for i in (1, 2)]
    written = ddb.transact_write_items(TransactItems=puts, ReturnConsumedCapacity=TOTAL)
    assert written["ConsumedCapacity"] == [
        {"TableName": table, "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0}
    ]
    gets = [{"Get": {"TableName": table, "Key": {"pk": _s(k)}}} for k in ("tw-1", "tw-none")]
    read = ddb.transact_get_items(TransactItems=gets, ReturnConsumedCapacity=INDEXES)
    assert read["ConsumedCapacity"] == [
        {
            "TableName": table,
            "CapacityUnits": 4.0,
            "ReadCapacityUnits": 4.0,
            "Table": {"CapacityUnits": 4.0, "ReadCapacityUnits": 4.0},
        }
    ]


def test_a_transaction_charges_index_writes_once(ddb, tables) -> None:
    table = tables["idx"]
    item = {"pk": _s("tx-idx"), "sk": _s("1"), "gsiPk": _s("g")}
    answer = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": item}}],
        ReturnConsumedCapacity=INDEXES,
    )
    assert answer["ConsumedCapacity"] == [
        {
            "TableName": table,
            "CapacityUnits": 3.0,
            "WriteCapacityUnits": 3.0,
            "Table": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0},
            "GlobalSecondaryIndexes": {
                "gsi-inc": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}
            },
        }
    ]


def test_no_consumed_capacity_unless_asked(ddb, tables) -> None:
    table = tables["hash"]
    key = {"pk": _s("quiet")}
    answers = [
        ddb.put_item(TableName=table, Item=key),
        ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": key}}]}),
        ddb.batch_get_item(RequestItems={table: {"Keys": [key]}}),
        ddb.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": {"pk": _s("quiet-2")}}}]
        ),
        ddb.get_item(TableName=table, Key=key, ReturnConsumedCapacity="NONE"),
    ]
    assert [a for a in answers if "ConsumedCapacity" in a] == []


# -- PartiQL ----------------------------------------------------------------------------


def test_partiql_reads_and_writes_are_charged_as_the_operations_they_run(ddb, tables) -> None:
    table = tables["hash"]
    insert = ddb.execute_statement(
        Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'pq-1', 'v': 1}}",
        ReturnConsumedCapacity=TOTAL,
    )
    assert insert["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0}
    select = ddb.execute_statement(
        Statement=f"SELECT * FROM \"{table}\" WHERE pk = 'pq-1'", ReturnConsumedCapacity=TOTAL
    )
    assert select["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 0.5}
    batch = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f'SELECT * FROM "{table}" WHERE pk = ?', "Parameters": [_s("pq-1")]},
            {
                "Statement": f'SELECT * FROM "{table}" WHERE pk = ?',
                "Parameters": [_s("pq-1")],
                "ConsistentRead": True,
            },
        ],
        ReturnConsumedCapacity=TOTAL,
    )
    assert batch["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 1.5}]


def test_partiql_index_reads_land_on_the_index_arm(ddb, rows) -> None:
    gsi = ddb.execute_statement(
        Statement=f'SELECT pk FROM "{rows}"."gsi-inc" WHERE gsiPk = \'rows-g\'',
        ReturnConsumedCapacity=INDEXES,
    )["ConsumedCapacity"]
    assert gsi["Table"] == {"CapacityUnits": 0.0}
    assert gsi["GlobalSecondaryIndexes"] == {"gsi-inc": {"CapacityUnits": 0.5}}
    one = ddb.execute_statement(
        Statement=f'SELECT pk FROM "{rows}"."lsi1" WHERE pk = \'rows\'',
        Limit=1,
        ConsistentRead=True,
        ReturnConsumedCapacity=INDEXES,
    )["ConsumedCapacity"]
    assert one["LocalSecondaryIndexes"] == {"lsi1": {"CapacityUnits": 1.0}}


def test_an_execute_transaction_is_a_write_then_a_replay_is_a_read(ddb, tables) -> None:
    table = tables["hash"]
    ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'pq-tx', 'n': 0}}")
    statements = [{"Statement": f"UPDATE \"{table}\" SET n = n + 1 WHERE pk = 'pq-tx'"}]
    token = unique_table_name("token")
    first, replay = (
        ddb.execute_transaction(
            TransactStatements=statements, ClientRequestToken=token, ReturnConsumedCapacity=INDEXES
        )["ConsumedCapacity"]
        for _ in range(2)
    )
    assert first == [
        {
            "TableName": table,
            "CapacityUnits": 2.0,
            "WriteCapacityUnits": 2.0,
            "Table": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0},
        }
    ]
    assert replay[0]["ReadCapacityUnits"] == 2.0 and "WriteCapacityUnits" not in replay[0]


# -- the server's figure is the workbench's own ---------------------------------------------


def _server_parts(cc: dict[str, Any] | list[dict[str, Any]]) -> tuple[float, float, dict]:
    entries = cc if isinstance(cc, list) else [cc]
    total = sum(e["CapacityUnits"] for e in entries)
    table = sum(e["Table"]["CapacityUnits"] for e in entries)
    arms: dict[str, float] = {}
    for entry in entries:
        for name, units in _arms(entry).items():
            arms[name] = arms.get(name, 0.0) + units
    return total, table, arms


def test_the_server_agrees_with_the_workbench_on_cruddur_patterns_a_to_e(
    local_engine, users, local_seeded: str
) -> None:
    from workbench.design.exercise import send_counted
    from workbench.model.cruddur import (
        group_summaries_request,
        list_message_groups_request,
        list_messages_request,
        move_summary_request,
        new_group_request,
        post_message_request,
    )

    table = local_seeded
    andrew, londo = (users.require_handle(h).person() for h in ("andrewbrown", "londo"))
    bayko = users.require_handle("bayko").person()
    summaries = send_counted(
        local_engine, CRUDDUR, group_summaries_request(table, SEED_GROUP_UUID)
    ).items
    requests = [
        list_messages_request(table, SEED_GROUP_UUID),
        list_message_groups_request(table, andrew["uuid"]),
        post_message_request(table, SEED_GROUP_UUID, SEED_NOW, "m-c", "see you", bayko),
        new_group_request(table, "g-new", SEED_NOW, "m-d", "hello", andrew, londo),
        group_summaries_request(table, SEED_GROUP_UUID),
        move_summary_request(table, summaries[0], "2026-11-22T08:00:00+00:00", "moved"),
    ]
    for request in requests:
        asked = Request(request.operation, {**request.params, "ReturnConsumedCapacity": INDEXES})
        done = send_counted(local_engine, CRUDDUR, asked)
        assert not done.capacity.at_least, (request.operation, done.capacity.notes)
        total, table_units, arms = _server_parts(done.response["ConsumedCapacity"])
        computed = done.capacity
        assert (total, table_units, arms) == (computed.total, computed.table, computed.indexes)


# -- random requests: the server's figure against the client's --------------------------


def _random_item(rng: random.Random, key: dict[str, Any]) -> dict[str, Any]:
    item = dict(key)
    for name in ("ga", "gb", "gc", "la", "lb", "lc"):
        if rng.random() < 0.5:
            item[name] = _s(rng.choice(["a", "b", "c"]) * rng.randint(1, 30))
    optional: dict[str, Callable[[], Any]] = {
        "note": lambda: _s(rng.choice(string.ascii_letters) * rng.randint(1, 1500)),
        "d": lambda: _s("d" * rng.randint(1, 5000)),
        "n": lambda: {"N": str(rng.randint(-(10**12), 10**12) / 1000)},
        "m": lambda: {"M": {"x": _s("y" * rng.randint(1, 300)), "z": {"L": [{"BOOL": True}]}}},
        "ss": lambda: {"SS": sorted({rng.choice("abcdef") * 3 for _ in range(3)})},
        "b": lambda: {"B": bytes(rng.randrange(256) for _ in range(rng.randint(1, 700)))},
    }
    for name, make in optional.items():
        if rng.random() < 0.5:
            item[name] = make()
    return item


def _random_update(rng: random.Random, key: dict[str, Any]) -> dict[str, Any]:
    sets, values, removes = [], {}, []
    for at, name in enumerate(rng.sample(["ga", "gc", "la", "lb", "note", "d", "m"], 3)):
        if rng.random() < 0.3:
            removes.append(name)
        else:
            sets.append(f"{name} = :v{at}")
            values[f":v{at}"] = _random_item(rng, {}).get(name) or _s("v" * rng.randint(1, 900))
    expression = " ".join(
        part
        for part in (
            "SET " + ", ".join(sets) if sets else "",
            "REMOVE " + ", ".join(removes) if removes else "",
            "ADD n :one" if rng.random() < 0.4 else "",
        )
        if part
    )
    if "ADD" in expression:
        values[":one"] = {"N": "1"}
    params = {"Key": key, "UpdateExpression": expression}
    return {**params, "ExpressionAttributeValues": values} if values else params


def _random_request(rng: random.Random, table: str) -> Request:
    def key() -> dict[str, Any]:
        return {"pk": _s(f"p{rng.randint(0, 2)}"), "sk": _s(f"s{rng.randint(0, 5)}")}

    def keys(count: int) -> list[dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        while len(found) < count:
            k = key()
            found[k["pk"]["S"] + k["sk"]["S"]] = k
        return list(found.values())

    op = rng.choice(
        ["PutItem", "PutItem", "UpdateItem", "DeleteItem", "GetItem", "Query", "Scan"]
        + ["BatchWriteItem", "BatchGetItem", "TransactWriteItems", "TransactGetItems"]
    )
    t = {"TableName": table}
    if op == "PutItem":
        params: dict[str, Any] = {**t, "Item": _random_item(rng, key())}
    elif op == "UpdateItem":
        params = {**t, **_random_update(rng, key())}
    elif op in ("DeleteItem", "GetItem"):
        params = {**t, "Key": key(), "ConsistentRead": rng.random() < 0.5}
        if op == "DeleteItem":
            params.pop("ConsistentRead")
    elif op == "Query":
        index = rng.choice([None, "l-all", "l-keys", "l-inc", "g-all", "g-inc"])
        if index and index.startswith("g"):
            condition, values = "ga = :v", {":v": _s(rng.choice("abc") * rng.randint(1, 30))}
        else:
            condition, values = "pk = :v", {":v": _s(f"p{rng.randint(0, 2)}")}
        params = {**t, "KeyConditionExpression": condition, "ExpressionAttributeValues": values}
        if index:
            params["IndexName"] = index
        if not (index or "").startswith("g") and rng.random() < 0.5:
            params["ConsistentRead"] = True
        if rng.random() < 0.3:
            params["Limit"] = rng.randint(1, 4)
    elif op == "Scan":
        params = {**t, "Limit": rng.randint(1, 30)}
    elif op == "BatchWriteItem":
        writes = [
            {"PutRequest": {"Item": _random_item(rng, k)}}
            if rng.random() < 0.7
            else {"DeleteRequest": {"Key": k}}
            for k in keys(rng.randint(1, 4))
        ]
        params = {"RequestItems": {table: writes}}
    elif op == "BatchGetItem":
        params = {"RequestItems": {table: {"Keys": keys(rng.randint(1, 4))}}}
    elif op == "TransactWriteItems":
        actions = []
        for k in keys(rng.randint(1, 3)):
            kind = rng.choice(["Put", "Update", "Delete"])
            if kind == "Put":
                actions.append({"Put": {**t, "Item": _random_item(rng, k)}})
            elif kind == "Update":
                actions.append({"Update": {**t, **_random_update(rng, k)}})
            else:
                actions.append({"Delete": {**t, "Key": k}})
        params = {"TransactItems": actions}
    else:
        gets = [{"Get": {**t, "Key": k}} for k in keys(rng.randint(1, 3))]
        params = {"TransactItems": gets}
    return Request(op, {**params, "ReturnConsumedCapacity": INDEXES})


def _written_keys(request: Request) -> list[dict[str, Any]]:
    params = request.params
    if request.operation == "PutItem":
        return [{n: params["Item"][n] for n in ("pk", "sk")}]
    if request.operation in ("UpdateItem", "DeleteItem"):
        return [params["Key"]]
    if request.operation == "BatchWriteItem":
        found = []
        for writes in params["RequestItems"].values():
            for write in writes:
                body = next(iter(write.values()))
                found.append({n: (body.get("Item") or body["Key"])[n] for n in ("pk", "sk")})
        return found
    if request.operation == "TransactWriteItems":
        return [
            {n: (b.get("Item") or b["Key"])[n] for n in ("pk", "sk")}
            for a in params["TransactItems"]
            for b in a.values()
        ]
    return []


def test_the_server_agrees_with_the_client_on_random_requests(ddb, tables) -> None:
    rng = random.Random(18)
    table = tables["mix"]
    description = from_description(ddb.describe_table(TableName=table)["Table"])
    for _ in range(40):  # some items to read
        ddb.put_item(
            TableName=table,
            Item=_random_item(
                rng, {"pk": _s(f"p{rng.randint(0, 2)}"), "sk": _s(f"s{rng.randint(0, 5)}")}
            ),
        )
    exact = 0
    for _ in range(160):
        request = _random_request(rng, table)
        old, absent = [], []
        for key in _written_keys(request):  # what the write replaces, read first (not counted)
            item = ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
            (old if item else absent).append(item or key)
        response = getattr(ddb, request.method)(**request.params)
        computed = compute(request, response, description, old, absent_keys=absent)
        total, table_units, arms = _server_parts(response["ConsumedCapacity"])
        if computed.at_least:
            assert total >= computed.total, (request, computed)
            continue
        exact += 1
        assert (total, table_units, arms) == (computed.total, computed.table, computed.indexes), (
            request.operation,
            request.params,
            computed,
        )
    assert exact > 120  # most requests are ones the client can size exactly
