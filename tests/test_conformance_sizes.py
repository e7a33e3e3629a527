"""Item sizes as DynamoDB measures them, for every client (issue 18).

Over real HTTP to the managed server with a raw boto3 client, as in
test_conformance_keys.py (whose helpers, now in helpers.py, these tests share): the 409,600-byte
gate on every put surface, a number's and a binary's bytes, UpdateItem's charge (what it
writes plus its action cost), a transacted Update cancelled over the limit, number overflow in
arithmetic, and ``{"NULL": false}``. The checks are model/limits/sizes.py and checks.py, the
moto fixes engine/motoitems.py. The figures are DynamoDB's as dynamodb-conformance measured
them against eu-west-2, to the byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import bytes_of, create_table, padded, refused, unique_table_name
from helpers import cancellation_reasons as cancelled

from workbench.errors import WorkbenchError

pytestmark = pytest.mark.server

LIMIT = 409_600
ITEM_TOO_BIG = "Item size has exceeded the maximum allowed size"
UPDATE_TOO_BIG = "Item size to update has exceeded the maximum allowed size"
OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)


@pytest.fixture(scope="module")
def table(ddb) -> Iterator[str]:
    """A table keyed on a string ``pk``."""
    name = create_table(ddb, unique_table_name("sizes"), [("pk", "S")])
    yield name
    ddb.delete_table(TableName=name)


# -- item sizes -------------------------------------------------------------------------------


def test_the_item_limit_is_409600_bytes_on_every_put_surface(ddb, table):

    def put(surface: str, pk: str, total: int) -> None:
        item = padded({"pk": {"S": pk}}, total)
        if surface == "PutItem":
            ddb.put_item(TableName=table, Item=item)
        elif surface == "BatchWriteItem":
            ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item}}]})
        elif surface == "TransactWriteItems":
            ddb.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": item}}])
        else:
            ddb.execute_statement(
                Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'p': ?}}",
                Parameters=[item["pk"], item["p"]],
            )

    for surface in ("PutItem", "BatchWriteItem", "TransactWriteItems", "PartiQL"):
        put(surface, f"at-{surface}", LIMIT)
        stored = ddb.get_item(TableName=table, Key={"pk": {"S": f"at-{surface}"}})["Item"]
        assert bytes_of(stored) == LIMIT
        refused(lambda s=surface: put(s, f"over-{s}", LIMIT + 1), ITEM_TOO_BIG)


# A number's bytes: its base-100 digit pairs, aligned on the point, plus one, plus one if
# negative (DynamoDB's, to the byte).
NUMBER_BYTES = [
    ("0", 1),
    ("12", 2),
    ("1234", 3),
    ("100", 2),
    ("1010", 3),
    ("0.0000001", 2),
    ("1E125", 2),
    ("3.14159", 5),
    ("123456", 4),
    ("100.5", 4),
    ("-42", 3),
    ("-0", 1),
    ("1" * 38, 20),
]


@pytest.mark.parametrize("literal,cost", NUMBER_BYTES, ids=[n for n, _ in NUMBER_BYTES])
def test_a_number_counts_its_digit_pairs_at_the_gate(ddb, table, literal, cost):

    def item(pk: str, total: int) -> dict[str, Any]:
        return padded({"pk": {"S": pk}}, total, spent=len("n") + cost) | {"n": {"N": literal}}

    ddb.put_item(TableName=table, Item=item(f"n-at-{literal}", LIMIT))
    refused(
        lambda: ddb.put_item(TableName=table, Item=item(f"n-over-{literal}", LIMIT + 1)),
        ITEM_TOO_BIG,
    )


def test_a_binary_counts_its_bytes_not_its_base64_text(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "bin"}, "b": {"B": bytes(350_000)}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "bin"}})["Item"]
    assert len(got["b"]["B"]) == 350_000
    refused(
        lambda: ddb.put_item(TableName=table, Item={"pk": {"S": "bin2"}, "b": {"B": bytes(LIMIT)}}),
        ITEM_TOO_BIG,
    )


def _set(ddb: Any, table: str, pk: str, expression: str, **values: Any) -> Any:
    return ddb.update_item(
        TableName=table,
        Key={"pk": {"S": pk}},
        UpdateExpression=expression,
        ExpressionAttributeValues={f":{k}": v for k, v in values.items()},
    )


def test_update_item_is_charged_what_it_writes_plus_its_actions(ddb, table):
    # At a one-byte key the charge binds: 409,600 - (22 for one SET - 3 of key) = 409,581.
    ceiling = LIMIT - 19
    pad = {"S": "x" * (ceiling - 3 - 1)}
    _set(ddb, table, "K", "SET b = :pad", pad=pad)
    assert bytes_of(ddb.get_item(TableName=table, Key={"pk": {"S": "K"}})["Item"]) == ceiling
    over = {"S": "x" * (ceiling - 3)}
    refused(lambda: _set(ddb, table, "L", "SET b = :pad", pad=over), UPDATE_TOO_BIG)
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "L"}})
    # A second SET costs 19 bytes more, a REMOVE 2, whatever they write.
    refused(
        lambda: _set(ddb, table, "M", "SET b = :pad, c = :c", pad=pad, c={"S": "y"}),
        UPDATE_TOO_BIG,
    )
    smaller = {"S": "x" * (ceiling - 3 - 1 - 19 - 2)}
    _set(ddb, table, "M", "SET b = :pad, c = :c", pad=smaller, c={"S": "y"})
    # An attribute it leaves alone is not charged: the item stored is 11 bytes over the
    # ceiling, with "u" (11 bytes) already there.
    ddb.put_item(TableName=table, Item={"pk": {"S": "U"}, "u": {"S": "y" * 10}})
    _set(ddb, table, "U", "SET b = :pad", pad=pad)
    assert bytes_of(ddb.get_item(TableName=table, Key={"pk": {"S": "U"}})["Item"]) == ceiling + 11
    # But the finished item is never over 409,600: refused, and left as it was.
    ddb.put_item(TableName=table, Item={"pk": {"S": "V"}, "u": {"S": "y" * 100}})
    refused(lambda: _set(ddb, table, "V", "SET b = :pad", pad=pad), UPDATE_TOO_BIG)
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "V"}})["Item"] == {
        "pk": {"S": "V"},
        "u": {"S": "y" * 100},
    }


def test_update_item_through_a_nested_path_is_charged_the_whole_attribute(ddb, table):
    for pk in ("D", "E"):
        _set(ddb, table, pk, "SET d = :d", d={"M": {"leaf": {"S": "x"}}})
    # d is 3 + 1 + 4 + the leaf; one SET costs 22; the one-byte key is not charged.
    leaf = LIMIT - 22 - 1 - (3 + 1 + 4)
    ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "D"}},
        UpdateExpression="SET d.leaf = :v",
        ExpressionAttributeValues={":v": {"S": "x" * leaf}},
    )
    refused(
        lambda: ddb.update_item(
            TableName=table,
            Key={"pk": {"S": "E"}},
            UpdateExpression="SET d.leaf = :v",
            ExpressionAttributeValues={":v": {"S": "x" * (leaf + 1)}},
        ),
        UPDATE_TOO_BIG,
    )


def test_a_transacted_update_is_measured_on_its_item_and_cancels_over_it(ddb, table):

    def update(pk: str, total: int) -> Any:
        item = padded({"pk": {"S": pk}}, total)
        return ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"pk": {"S": pk}},
                        "UpdateExpression": "SET p = :p",
                        "ExpressionAttributeValues": {":p": item["p"]},
                    }
                }
            ]
        )

    # What UpdateItem refuses at this key, a transaction writes: the finished item is 409,600.
    refused(
        lambda: _set(ddb, table, "Y", "SET p = :p", p=padded({"pk": {"S": "Y"}}, LIMIT)["p"]),
        UPDATE_TOO_BIG,
    )
    update("Y", LIMIT)
    assert bytes_of(ddb.get_item(TableName=table, Key={"pk": {"S": "Y"}})["Item"]) == LIMIT
    reasons = cancelled(lambda: update("Z", LIMIT + 1))
    assert reasons == [{"Code": "ValidationError", "Message": UPDATE_TOO_BIG}]
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "Z"}})


# -- numbers and NULL -------------------------------------------------------------------------


def test_arithmetic_out_of_the_number_range_is_refused(ddb, table):
    big = {"N": "9.9e125"}
    refused(lambda: _set(ddb, table, "of", "SET n = :a + :b", a=big, b=big), OVERFLOW)
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "of"}})
    _set(ddb, table, "of", "SET n = :a + :b", a=big, b={"N": "-9.9e125"})
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "of"}})["Item"]["n"] == {"N": "0"}


def test_null_false_is_stored_as_null_true(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "nul"}, "a": {"NULL": False}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "nul"}})["Item"]
    assert got == {"pk": {"S": "nul"}, "a": {"NULL": True}}


# -- the same rules for dynamo.send on in-process moto ---------------------------------------


def test_send_on_in_process_moto_sizes_alike(moto_engine):
    from workbench.engine.dynamo import send
    from workbench.model.requests import Request

    table = create_table(
        moto_engine.client("dynamodb"), unique_table_name("keys-moto"), [("pk", "B")]
    )
    key = {"pk": {"B": b"K"}}  # 3 bytes
    item = {**key, "p": {"S": "x" * (LIMIT - 3 - 1)}}
    send(moto_engine, Request("PutItem", {"TableName": table, "Item": item}))
    update = {
        "TableName": table,
        "Key": key,
        "UpdateExpression": "SET q = :q",
        "ExpressionAttributeValues": {":q": {"S": "y"}},
    }
    with pytest.raises(WorkbenchError) as info:  # the finished item, over by 2 (moto's)
        send(moto_engine, Request("UpdateItem", update))
    assert info.value.error_message == UPDATE_TOO_BIG
    assert send(moto_engine, Request("GetItem", {"TableName": table, "Key": key}))["Item"] == item
