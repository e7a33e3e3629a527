"""Capacity computed by DynamoDB's rules: item sizes and requests sized by hand, then the five
Cruddur figures through the real app, query and CLI code on in-process moto."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import make_seeded

from workbench.errors import WorkbenchError
from workbench.model import CRUDDUR, SEED_GROUP_UUID
from workbench.model.capacity import (
    ITEM_SIZE_LIMIT,
    Capacity,
    compute,
    from_description,
    item_size,
    significant_digits,
    value_size,
)
from workbench.model.requests import Request

# -- item sizes -------------------------------------------------------------------------


def test_strings_count_utf8_bytes_of_names_and_values() -> None:
    # "name" 4 + "héllo" (é is 2 bytes) 6 = 10
    assert item_size({"name": {"S": "héllo"}}) == 10
    # name "ä" 2 bytes + "日本" 2 x 3 bytes + "😀" 4 bytes = 2 + 10 = 12
    assert item_size({"ä": {"S": "日本😀"}}) == 12
    # an empty string is its name only: "e" 1
    assert item_size({"e": {"S": ""}}) == 1


@pytest.mark.parametrize(
    ("number", "digits", "size"),
    [
        # Base-100 pairs aligned on the decimal point, from the first pair that is not 00 to
        # the last, + 1 byte, + 1 more if negative (DynamoDB Local agreed on every row).
        ("00042", 2, 2),  # pair "42": 1 + 1
        ("1500", 2, 2),  # "15" then "00", which the exponent holds: 1 + 1
        ("0.00150", 2, 2),  # ".00 15": "15" alone: 1 + 1
        ("1.5", 2, 3),  # "01" "50": 2 + 1
        ("100.5", 4, 4),  # "01" "00" "50": 3 + 1
        ("-7", 1, 3),  # "07": 1 + 1, + 1 negative
        ("-123.45", 5, 5),  # "01" "23" "45": 3 + 1, + 1 negative
        ("1.5E2", 2, 3),  # 150: "01" "50": 2 + 1
        ("-9.99e-5", 3, 4),  # -0.0000999: ".00 00 99 90": "99" "90": 2 + 1, + 1 negative
        ("7", 1, 2),  # "07": 1 + 1
        ("10", 1, 2),  # "10": 1 + 1
        ("0", 0, 1),  # no pair: the 1 byte alone
        ("-0", 0, 1),  # zero has no sign
        ("12345678901234567890123456789012345678", 38, 20),  # 19 pairs + 1
        ("1234567890123456789012345678901234567", 37, 20),  # "01" "23" ... "67": 19 + 1
        ("1.234567890123456789012345678901234567", 37, 20),  # "01" . "23" ... "67": 19 + 1
        ("1.2345678901234567890123456789012345678", 38, 21),  # "01" . "23" ... "80": 20 + 1
    ],
)
def test_numbers_count_base_100_pairs(number: str, digits: int, size: int) -> None:
    assert significant_digits(number) == digits
    assert value_size({"N": number}) == size


def test_a_number_that_is_not_one_is_refused_by_name() -> None:
    with pytest.raises(WorkbenchError, match=r"cannot size the number '1\.2\.3'"):
        value_size({"N": "1.2.3"})


def test_binary_null_and_boolean() -> None:
    # binary: raw bytes, not base64: "b" 1 + 3 bytes; "n" 1 + 1; "t" 1 + 1
    assert item_size({"b": {"B": b"\x00\x01\xff"}, "n": {"NULL": True}, "t": {"BOOL": False}}) == 8


def test_nested_maps_and_lists() -> None:
    item = {"m": {"M": {"a": {"N": "1"}, "bb": {"L": [{"S": "xy"}, {"BOOL": True}]}}}}
    # list: 3 + (1 + 2 for "xy") + (1 + 1 for the boolean) = 8
    # map: 3 + ("a": 1 + 1 name + 2 for N "1") + ("bb": 1 + 2 name + 8) = 3 + 4 + 11 = 18
    # item: name "m" 1 + 18 = 19
    assert item_size(item) == 19
    # empty list and map: 3 bytes each, plus names "l" and "e"
    assert item_size({"l": {"L": []}, "e": {"M": {}}}) == 8


def test_sets_are_the_sum_of_their_members() -> None:
    item = {
        "ss": {"SS": ["a", "bc"]},  # 2 + (1 + 2) = 5
        "ns": {"NS": ["100", "25"]},  # 2 + ("1": 2) + ("25": 2) = 6
        "bs": {"BS": [b"\x00\x01", b"xyz"]},  # 2 + (2 + 3) = 7
    }
    assert item_size(item) == 18


def test_an_item_at_exactly_400_kb() -> None:
    # "pk" 2 + "k" 1 + "blob" 4 = 7 bytes; the binary fills the rest of 409,600
    item = {"pk": {"S": "k"}, "blob": {"B": bytes(ITEM_SIZE_LIMIT - 7)}}
    assert ITEM_SIZE_LIMIT == 409_600
    assert item_size(item) == ITEM_SIZE_LIMIT
    put = compute(Request("PutItem", {"TableName": "t", "Item": item}), {}, _table())
    assert put.table == 400  # 409,600 / 1,024
    got = compute(
        Request("GetItem", {"TableName": "t", "Key": {}, "ConsistentRead": True}), {"Item": item}
    )
    assert got.total == 100  # 409,600 / 4,096


def test_a_value_that_is_not_typed_is_refused_by_name() -> None:
    with pytest.raises(WorkbenchError, match=r"cannot size 'plain'.*one of"):
        item_size({"a": "plain"})
    with pytest.raises(WorkbenchError, match=r"type 'X'"):
        value_size({"X": 1})


# -- requests ---------------------------------------------------------------------------


def _table() -> object:
    """pk/sk table with three GSIs on ``g``/``sk``: ALL, KEYS_ONLY, INCLUDE (note)."""

    def gsi(name: str, projection: dict) -> dict:
        return {
            "IndexName": name,
            "KeySchema": [
                {"AttributeName": "g", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "Projection": projection,
        }

    return from_description(
        {
            "TableName": "t",
            "KeySchema": [
                {"AttributeName": "sk", "KeyType": "RANGE"},
                {"AttributeName": "pk", "KeyType": "HASH"},
            ],
            "GlobalSecondaryIndexes": [
                gsi("all", {"ProjectionType": "ALL"}),
                gsi("keys", {"ProjectionType": "KEYS_ONLY"}),
                gsi("inc", {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]}),
            ],
        }
    )


def _item(sk: str, filler: int, **extra: str) -> dict:
    # "pk" 2 + "p" 1 + "sk" 2 + sk 2 + "d" 1 = 8, + filler (+ extras, sized by the caller)
    item = {"pk": {"S": "p"}, "sk": {"S": sk}, "d": {"S": "x" * filler}}
    item.update({k: {"S": v} for k, v in extra.items()})
    return item


def test_query_adds_up_the_page_and_rounds_once() -> None:
    items = [_item("s1", 1992), _item("s2", 1992), _item("s3", 1992)]  # 2,000 bytes each
    assert [item_size(i) for i in items] == [2000, 2000, 2000]
    query = Request("Query", {"TableName": "t", "KeyConditionExpression": "pk = :p"})
    # 6,000 bytes -> 2 units of 4 KB, eventually consistent: half
    assert compute(query, {"Items": items}) == Capacity(1.0, 1.0, {}, True)
    query.params["ConsistentRead"] = True
    assert compute(query, {"Items": items}).total == 2.0
    # nothing found still costs the minimum
    assert compute(query, {"Items": []}).total == 1.0


def test_a_gsi_query_is_charged_to_the_index_and_always_eventually_consistent() -> None:
    query = Request("Query", {"TableName": "t", "IndexName": "all", "ConsistentRead": True})
    result = compute(query, {"Items": [_item("s1", 10)]}, _table())
    assert (result.total, result.table, result.indexes) == (0.5, 0.0, {"all": 0.5})
    # Without the table's definition, a consistent read that DynamoDB answered was on an LSI
    # (a GSI refuses ConsistentRead), so it is charged in full.
    assert compute(query, {"Items": [_item("s1", 10)]}).indexes == {"all": 1.0}


def test_scan_with_a_filter_is_a_floor() -> None:
    scan = Request("Scan", {"TableName": "t", "FilterExpression": "d = :d"})
    result = compute(scan, {"Items": [_item("s1", 4088)]})  # 4,096 bytes: 1 unit, halved
    assert result.total == 0.5 and result.at_least
    assert "filter" in result.notes[0]
    assert result.label() == "at least 0.5 RCU"


def test_get_item_and_batch_get_round_per_item() -> None:
    get = Request("GetItem", {"TableName": "t", "Key": {}})
    # 5,000 bytes -> 2 units, halved
    assert compute(get, {"Item": _item("s1", 4992)}).total == 1.0
    assert compute(get, {}).total == 0.5  # a missing item costs half a unit
    keys = [{"pk": {"S": "p"}, "sk": {"S": f"s{n}"}} for n in range(1, 5)]
    batch = Request("BatchGetItem", {"RequestItems": {"t": {"Keys": keys}}})
    found = [_item("s1", 1992), _item("s2", 1992), _item("s3", 1992)]
    # 3 items of 2,000 bytes: 1 unit each (not 2 for 6,000 bytes together), the missing
    # fourth key 1 more: 4 units, halved
    assert compute(batch, {"Responses": {"t": found}}).total == 2.0
    transact = Request("TransactGetItems", {"TransactItems": [{"Get": {}}, {"Get": {}}]})
    # twice a strongly consistent read: 2 x 1 + 2 x 1 (the second is missing)
    assert compute(transact, {"Responses": [{"Item": found[0]}, {}]}).total == 4.0


def test_batch_get_does_not_charge_unprocessed_keys() -> None:
    keys = [{"pk": {"S": "p"}, "sk": {"S": f"s{n}"}} for n in range(1, 6)]
    batch = Request("BatchGetItem", {"RequestItems": {"t": {"Keys": keys}}})
    found = [_item("s1", 1992), _item("s2", 1992)]
    response = {"Responses": {"t": found}, "UnprocessedKeys": {"t": {"Keys": keys[3:]}}}
    # 5 keys asked; s4 and s5 come back unprocessed (not read, not charged); of the 3 read,
    # s1 and s2 are 2,000 bytes (1 unit each) and s3 is missing (1 unit): 3 units, halved.
    # Charging the unprocessed keys as missing would give (3 + 2) / 2 = 2.5.
    assert compute(batch, response).total == 1.5
    # Nothing processed at all: nothing charged.
    assert compute(batch, {"UnprocessedKeys": {"t": {"Keys": keys}}}).total == 0.0


def test_put_item_new_costs_the_table_and_every_index_holding_it() -> None:
    new = _item("s1", 1492, g="g1", note="n")  # 1,500 + ("g" 1 + 2) + ("note" 4 + 1) = 1,508
    assert item_size(new) == 1508
    put = Request(
        "PutItem",
        {"TableName": "t", "Item": new, "ConditionExpression": "attribute_not_exists(pk)"},
    )
    result = compute(put, {}, _table())
    # table: 1,508 bytes -> 2 WCU; ALL: the item, 2; KEYS_ONLY: pk, sk, g = 3 + 4 + 3 = 10 bytes,
    # 1; INCLUDE: the keys + note (5) = 15 bytes, 1
    assert result == Capacity(6.0, 2.0, {"all": 2.0, "keys": 1.0, "inc": 1.0}, False)
    assert result.label() == "6 WCU"


def test_put_item_without_the_index_key_costs_nothing_there() -> None:
    put = Request("PutItem", {"TableName": "t", "Item": _item("s1", 10)})
    result = compute(put, {}, _table())
    assert (result.total, result.indexes) == (1.0, {})
    # no attribute_not_exists condition: the old item is unknown, so this is a floor
    assert result.at_least and "old item is unknown" in result.notes[0]


def test_put_item_over_an_old_item_is_charged_on_the_larger() -> None:
    old = _item("s1", 2992)  # 3,000 bytes
    put = Request("PutItem", {"TableName": "t", "Item": _item("s1", 10), "ReturnValues": "ALL_OLD"})
    assert compute(put, {"Attributes": old}, _table()).total == 3.0


def test_update_item_changing_a_gsi_key_is_a_delete_and_a_put_there() -> None:
    old = _item("s1", 892, g="g1")  # 900 + 3 = 903 bytes
    update = Request(
        "UpdateItem",
        {
            "TableName": "t",
            "Key": {"pk": {"S": "p"}, "sk": {"S": "s1"}},
            "UpdateExpression": "SET #g = :g",
            "ExpressionAttributeNames": {"#g": "g"},
            "ExpressionAttributeValues": {":g": {"S": "g2"}},
            "ReturnValues": "ALL_OLD",
        },
    )
    result = compute(update, {"Attributes": old}, _table())
    # table: max(903, 903) -> 1; each index: delete g1 (1) + put g2 (1) = 2
    assert result == Capacity(7.0, 1.0, {"all": 2.0, "keys": 2.0, "inc": 2.0}, False)


def test_update_item_changing_a_non_key_attribute() -> None:
    old = _item("s1", 100, g="g1")
    update = Request(
        "UpdateItem",
        {
            "TableName": "t",
            "Key": {"pk": {"S": "p"}, "sk": {"S": "s1"}},
            "UpdateExpression": "SET d = :d REMOVE gone",
            "ExpressionAttributeValues": {":d": {"S": "y" * 1500}},
        },
    )
    result = compute(update, {}, _table(), old_items=[old])
    # new item: 7 (keys) + "d" 1 + 1,500 + "g" 3 = 1,511 bytes: 2 on the table and on ALL;
    # KEYS_ONLY and INCLUDE project neither d nor anything that changed: nothing there
    assert result == Capacity(4.0, 2.0, {"all": 2.0}, False)
    # without the old item: key + SET values only, said to be a floor
    alone = compute(update, {}, _table())
    assert alone.table == 2.0 and alone.at_least and alone.indexes == {}


def test_delete_item_costs_the_old_item_and_its_index_entries() -> None:
    old = _item("s1", 1492, g="g1")  # 1,503 bytes
    delete = Request(
        "DeleteItem",
        {"TableName": "t", "Key": {"pk": {"S": "p"}, "sk": {"S": "s1"}}, "ReturnValues": "ALL_OLD"},
    )
    result = compute(delete, {"Attributes": old}, _table())
    # table: 1,503 bytes -> 2; ALL 2; KEYS_ONLY (10 bytes) 1; INCLUDE (no note: 10 bytes) 1
    assert result == Capacity(6.0, 2.0, {"all": 2.0, "keys": 1.0, "inc": 1.0}, False)
    unknown = compute(Request("DeleteItem", dict(delete.params, ReturnValues="NONE")), {}, _table())
    assert unknown.total == 1.0 and unknown.at_least


def test_transact_write_items_twice_on_the_table_once_per_index() -> None:
    old = _item("s9", 10, g="g9")  # in every index
    transact = Request(
        "TransactWriteItems",
        {
            "TransactItems": [
                {
                    "Put": {
                        "TableName": "t",
                        "Item": _item("s1", 1492, g="g1"),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Put": {
                        "TableName": "t",
                        "Item": _item("s2", 10),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {"Delete": {"TableName": "t", "Key": {"pk": {"S": "p"}, "sk": {"S": "s9"}}}},
            ]
        },
    )
    result = compute(transact, {}, _table(), old_items=[old])
    # table: 2 x (2 + 1 + 1) = 8; all: put 2 + delete 1 = 3; keys, inc: 1 + 1 = 2 each
    assert result == Capacity(15.0, 8.0, {"all": 3.0, "keys": 2.0, "inc": 2.0}, False)


def test_batch_write_skips_unprocessed_items() -> None:
    puts = [{"PutRequest": {"Item": _item(f"s{n}", 10)}} for n in range(3)]
    batch = Request("BatchWriteItem", {"RequestItems": {"t": puts}})
    result = compute(batch, {"UnprocessedItems": {"t": puts[2:]}}, _table())
    assert result.table == 2.0 and result.at_least  # old items unknown


def test_differs_and_the_engine_figure() -> None:
    computed = Capacity(8.0, 6.0, {"gsi": 2.0}, False)
    assert not computed.differs and computed.label() == "8 WCU"
    assert computed.with_reported(8.0).label() == "8 WCU"
    reported = computed.with_reported(6.0)
    assert reported.differs and reported.label() == "8 WCU (engine reported 6)"
    both = computed + computed
    assert (both.total, both.indexes, both.reported) == (16.0, {"gsi": 4.0}, None)


def test_an_operation_without_item_capacity_is_refused() -> None:
    with pytest.raises(WorkbenchError, match=r"'DescribeTable' consumes no item capacity"):
        compute(Request("DescribeTable", {"TableName": "t"}), {})


# -- the Cruddur figures, through the real code paths on moto --------------------------


@pytest.fixture
def cruddur(moto_engine, users, table_name: str) -> str:
    return make_seeded(moto_engine, users, table_name)


def test_cruddur_patterns_a_b_and_e(moto_engine, users, cruddur: str) -> None:
    from workbench.cruddur.app import Messenger
    from workbench.cruddur.queries import get_conversation, list_conversations
    from workbench.engine.dynamo import consumed, send
    from workbench.model.cruddur import group_summaries_request

    page = get_conversation(moto_engine, SEED_GROUP_UUID, cruddur)
    assert page.consumed_capacity == 1.0 and page.capacity.reported is None
    assert (
        list_conversations(moto_engine, "andrewbrown", cruddur, directory=users).consumed_capacity
        == 0.5
    )
    messenger = Messenger(moto_engine, users, cruddur)
    assert messenger.list_messages("bayko", SEED_GROUP_UUID).consumed_capacity == 1.0
    request = group_summaries_request(cruddur, SEED_GROUP_UUID)
    gsi = consumed(moto_engine, request, send(moto_engine, request))
    assert (gsi.total, gsi.indexes) == (0.5, {CRUDDUR.table.indexes[0].name: 0.5})


def test_cruddur_patterns_c_and_d(moto_engine, users, cruddur: str) -> None:
    from workbench.cruddur.app import Messenger

    messenger = Messenger(moto_engine, users, cruddur, clock="2026-11-22T08:00:00+00:00")
    posted = messenger.send_message("bayko", "see you at 10", message_group_uuid=SEED_GROUP_UUID)
    assert posted.capacity == Capacity(1.0, 1.0, {}, False)
    started = messenger.send_message("andrewbrown", "hello", to_handle="londo")
    gsi = CRUDDUR.table.indexes[0].name
    # 3 puts x 2 on the table; the two summaries in the GSI, once each
    assert started.created_group and started.capacity == Capacity(8.0, 6.0, {gsi: 2.0}, False)


def test_cli_prints_the_computed_figures(
    moto_engine, users, cruddur: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.cli import cli
    from workbench.cruddur.users import open_directory

    url = f"sqlite:///{tmp_path / 'users.db'}"
    with open_directory(url) as directory:
        directory.ensure_seed_users()
    monkeypatch.setenv("DATABASE_URL", url)
    runner = CliRunner()
    common = ["--engine", "moto", "--table", cruddur]
    got = runner.invoke(
        cli, ["ddb", "patterns", "get-conversation", SEED_GROUP_UUID, "--json", *common]
    )
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout)["consumed_capacity"] == 1.0
    assert '"consumed_capacity": 1.0' in got.stdout
    text = runner.invoke(cli, ["ddb", "patterns", "get-conversation", SEED_GROUP_UUID, *common])
    assert text.exit_code == 0 and text.output.rstrip().endswith(
        f"1 RCU consumed, next page: --cursor {json.loads(got.stdout)['next']}"
    )
    sent = runner.invoke(
        cli, ["messages", "send", "--as", "andrewbrown", "--to", "londo", "hi", *common]
    )
    assert sent.exit_code == 0, sent.output
    assert sent.output.rstrip().endswith("(8 WCU)")


def test_a_moto_server_as_endpoint_shows_only_the_computed_figure(users, table_name: str) -> None:
    # A plain moto server, reached as engine `endpoint` over real HTTP, reports 1.0 for every
    # request: a constant, so only the computed figures are shown.
    from moto.server import ThreadedMotoServer

    from workbench.cruddur.app import Messenger
    from workbench.engine.engines import connect

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        with connect(endpoint=f"http://{host}:{port}") as engine:
            make_seeded(engine, users, table_name)
            messenger = Messenger(engine, users, table_name, clock="2026-11-22T08:00:00+00:00")
            sent = messenger.send_message("andrewbrown", "hello", to_handle="londo")
            page = messenger.list_messages("bayko", SEED_GROUP_UUID)
            groups = messenger.list_message_groups("bayko")
    finally:
        server.stop()
    assert sent.capacity.total == 8.0  # computed, whatever the engine says
    assert (page.consumed_capacity, page.capacity.reported) == (1.0, None)
    assert (groups.consumed_capacity, groups.capacity.reported) == (0.5, None)
    assert groups.capacity.label() == "0.5 RCU"


@pytest.mark.parametrize(
    ("engine_name", "server", "shown"),
    [
        ("endpoint", "Jetty(12.0.14)", "0.5 RCU (engine reported 1)"),  # DynamoDB Local
        ("aws", "Server", "0.5 RCU (engine reported 1)"),  # DynamoDB itself
        ("endpoint", "Werkzeug/3.1.9 Python/3.11.7, amazon.com", "0.5 RCU"),  # moto
        ("local", "Werkzeug/3.1.9 Python/3.11.7, amazon.com", "0.5 RCU"),
        ("moto", "", "0.5 RCU"),
    ],
)
def test_a_reported_figure_is_shown_beside_the_computed_one_where_it_is_real(
    engine_name: str, server: str, shown: str
) -> None:
    from types import SimpleNamespace

    from workbench.engine.dynamo import consumed

    item = {"pk": {"S": "GRP#u"}, "sk": {"S": "2026"}, "message": {"S": "x" * 100}}
    query = Request("Query", {"TableName": "t", "KeyConditionExpression": "pk = :pk"})
    response = {
        "Items": [item],
        "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 1.0},
        "ResponseMetadata": {"HTTPHeaders": {"server": server}},
    }
    assert consumed(SimpleNamespace(name=engine_name), query, response).label() == shown


def test_writes_find_the_indexes_by_describing_the_table(moto_engine, cruddur: str) -> None:
    from workbench.engine.dynamo import consumed, send
    from workbench.model.cruddur import new_group_request

    people = [{"uuid": f"u{n}", "display_name": f"U {n}", "handle": f"u{n}"} for n in (1, 2)]
    request = new_group_request(
        cruddur, "g-1", "2030-01-01T00:00:00.000000+00:00", "m-1", "hi", *people
    )
    capacity = consumed(moto_engine, request, send(moto_engine, request))  # no table given
    assert (capacity.table, capacity.indexes) == (6.0, {CRUDDUR.table.indexes[0].name: 2.0})


def test_a_local_secondary_index_costs_a_write_like_a_global_one() -> None:
    from workbench.model.table import LocalIndex, TableSpec

    spec = TableSpec(
        "orders",
        "pk",
        "sk",
        {"pk": "S", "sk": "S", "placed": "S"},
        local_indexes=(LocalIndex("by-placed", "placed", "KEYS_ONLY"),),
        throughput=None,
    )
    item = {"pk": {"S": "C#1"}, "sk": {"S": "O#1"}, "placed": {"S": "2026"}, "x": {"S": "y"}}
    put = Request(
        "PutItem",
        {"TableName": "orders", "Item": item, "ConditionExpression": "attribute_not_exists(pk)"},
    )
    # table: 22 bytes -> 1 WCU; the LSI's KEYS_ONLY entry (pk, sk, placed) -> 1 WCU
    assert compute(put, {}, spec) == Capacity(2.0, 1.0, {"by-placed": 1.0}, False)
    # without the LSI's sort key the item is not in the index (sparse), as for a GSI
    bare = {k: v for k, v in item.items() if k != "placed"}
    plain = Request(
        "PutItem",
        {"TableName": "orders", "Item": bare, "ConditionExpression": "attribute_not_exists(pk)"},
    )
    assert compute(plain, {}, spec).indexes == {}


def test_an_index_read_through_the_engine_tells_an_lsi_from_a_gsi(moto_engine) -> None:
    """With no table given, ``consumed`` describes the table for an index read: a strongly
    consistent Query on an LSI is charged in full (only GSIs refuse ConsistentRead), and
    what it fetches from the table is counted exactly."""
    from workbench.engine.dynamo import consumed, send

    client = moto_engine.client("dynamodb")
    defs = [{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "alt")]
    client.create_table(
        TableName="lsi-read",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=defs,
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-alt",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "alt", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    item = {"pk": {"S": "p"}, "sk": {"S": "s"}, "alt": {"S": "a"}, "more": {"S": "x"}}
    send(moto_engine, Request("PutItem", {"TableName": "lsi-read", "Item": item}))
    query = {
        "TableName": "lsi-read",
        "IndexName": "by-alt",
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "p"}},
    }
    for consistent, units in ((True, 1.0), (False, 0.5)):
        request = Request("Query", {**query, "ConsistentRead": consistent})
        capacity = consumed(moto_engine, request, send(moto_engine, request))
        assert capacity.indexes == {"by-alt": units}, consistent
    # All attributes from a KEYS_ONLY LSI: the index entry, then the item fetched from the
    # table, each charged; exact, since the table's description names the projection.
    request = Request("Query", {**query, "ConsistentRead": True, "Select": "ALL_ATTRIBUTES"})
    capacity = consumed(moto_engine, request, send(moto_engine, request))
    assert (capacity.table, capacity.indexes, capacity.at_least) == (1.0, {"by-alt": 1.0}, False)
