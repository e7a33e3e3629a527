"""Keys and item sizes as DynamoDB answers them, for every client (issue 18).

Every request goes over real HTTP to the managed server with a raw boto3 client (botocore's
parameter validation off), so the server itself is what is tested: its checks
(model/limits/keys.py, checks.py, sizes.py) and its moto fixes (engine/motoitems.py,
engine/mototx.py). Each refusal is asserted with DynamoDB's exact code and message and HTTP
400 (never 500). The last tests send some of the same requests through ``dynamo.send`` on
in-process moto, which must answer alike.

The figures (a number's byte cost, UpdateItem's action cost, the 409,600-byte gate) are
DynamoDB's as dynamodb-conformance measured them against eu-west-2, to the byte; the messages
are DynamoDB's as that suite, dynalite and ScyllaDB Alternator's tests record them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import cancellation_reasons as cancelled
from helpers import create_table, index, refused, refused_on_every_put, unique_table_name

from workbench.errors import RequestRejected

pytestmark = pytest.mark.server

LIMIT = 409_600
EMPTY_KEY = (
    "One or more parameter values are not valid. The AttributeValue for a key attribute "
    "cannot contain an empty {kind} value. Key: {name}"
)
EMPTY_INDEX_KEY = (
    "One or more parameter values are not valid. A value specified for a secondary index key "
    "is not supported. The AttributeValue for a key attribute cannot contain an empty {kind} "
    "value. IndexName: {index}, IndexKey: {name}"
)
EMPTY_INDEX_UPDATE = (
    "One or more parameter values are not valid. The update expression attempted to update a "
    "secondary index key to a value that is not supported. The AttributeValue for a key "
    "attribute cannot contain an empty {kind} value."
)
MISMATCH = "The provided key element does not match the schema"
HASH_TOO_LONG = (
    "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
    "limit of2048 bytes"
)
RANGE_TOO_LONG = (
    "One or more parameter values were invalid: Aggregated size of all range keys has exceeded "
    "the size limit of 1024 bytes"
)
ITEM_TOO_BIG = "Item size has exceeded the maximum allowed size"
UPDATE_TOO_BIG = "Item size to update has exceeded the maximum allowed size"
OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)


@pytest.fixture(scope="module")
def tables(ddb) -> Iterator[dict[str, str]]:
    """hash (pk S), hashb (pk B), comp (pk, sk S; GSIs gsi2 and gsi1 and LSI lsi1 on g),
    gsib (pk S; GSI gsib on bidx B)."""
    names = {k: unique_table_name(f"keys-{k}") for k in ("hash", "hashb", "comp", "gsib")}
    create_table(ddb, names["hash"], [("pk", "S")])
    create_table(ddb, names["hashb"], [("pk", "B")])
    create_table(
        ddb,
        names["comp"],
        [("pk", "S"), ("sk", "S")],
        types={"g": "S"},
        # Created out of order: DynamoDB names the first index by name, gsi1.
        GlobalSecondaryIndexes=[index("gsi2", "g", "sk"), index("gsi1", "g")],
        LocalSecondaryIndexes=[index("lsi1", "pk", "g")],
    )
    create_table(
        ddb,
        names["gsib"],
        [("pk", "S")],
        types={"bidx": "B"},
        GlobalSecondaryIndexes=[index("gsib", "bidx")],
    )
    yield names
    for name in names.values():
        ddb.delete_table(TableName=name)


# -- empty key values ------------------------------------------------------------------------


@pytest.mark.parametrize("kind,empty", [("string", {"S": ""}), ("binary", {"B": b""})])
def test_an_empty_key_value_is_refused_naming_string_or_binary(ddb, tables, kind, empty):
    table = tables["hash"] if kind == "string" else tables["hashb"]
    message = EMPTY_KEY.format(kind=kind, name="pk")
    key = {"pk": empty}
    refused(lambda: ddb.get_item(TableName=table, Key=key), message)
    refused(lambda: ddb.delete_item(TableName=table, Key=key), message)
    refused(lambda: ddb.put_item(TableName=table, Item=key), message)
    refused(
        lambda: ddb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET a = :v",
            ExpressionAttributeValues={":v": {"S": "x"}},
        ),
        message,
    )
    refused(lambda: ddb.batch_get_item(RequestItems={table: {"Keys": [key]}}), message)
    for write in ({"PutRequest": {"Item": key}}, {"DeleteRequest": {"Key": key}}):
        refused(lambda w=write: ddb.batch_write_item(RequestItems={table: [w]}), message)
    # In a transaction an empty key refuses the whole request: no cancellation.
    for action in (
        {"Put": {"TableName": table, "Item": key}},
        {"Delete": {"TableName": table, "Key": key}},
        {
            "ConditionCheck": {
                "TableName": table,
                "Key": key,
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
    ):
        refused(lambda a=action: ddb.transact_write_items(TransactItems=[a]), message)


@pytest.mark.parametrize("kind,empty", [("string", {"S": ""}), ("binary", {"B": b""})])
def test_an_empty_index_key_value_is_refused_naming_theindex(ddb, tables, kind, empty):
    table, index, name = (
        (tables["comp"], "gsi1", "g") if kind == "string" else (tables["gsib"], "gsib", "bidx")
    )
    key = {"pk": {"S": "idx"}, **({"sk": {"S": "s"}} if kind == "string" else {})}
    item = {**key, name: empty}
    message = EMPTY_INDEX_KEY.format(kind=kind, index=index, name=name)
    refused_on_every_put(ddb, table, item, message)
    update = {
        "TableName": table,
        "Key": key,
        "UpdateExpression": "SET #i = :v",
        "ExpressionAttributeNames": {"#i": name},
        "ExpressionAttributeValues": {":v": empty},
    }
    refused(lambda: ddb.update_item(**update), EMPTY_INDEX_UPDATE.format(kind=kind))
    refused(
        lambda: ddb.transact_write_items(TransactItems=[{"Update": update}]),
        EMPTY_INDEX_UPDATE.format(kind=kind),
    )
    assert "Item" not in ddb.get_item(TableName=table, Key=key)


def test_an_empty_binary_outside_the_key_is_stored(ddb, tables):
    table = tables["hash"]
    ddb.put_item(TableName=table, Item={"pk": {"S": "eb"}, "blob": {"B": b""}})
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "eb"}})["Item"]["blob"] == {"B": b""}


# -- the key's shape and length --------------------------------------------------------------


def test_a_key_not_of_the_schema_is_refused_in_the_schemas_words(ddb, tables):
    comp, hash_ = tables["comp"], tables["hash"]
    for key in (
        {"pk": {"S": "a"}},  # the sort key missing
        {"pk": {"S": "a"}, "sk": {"S": "b"}, "other": {"S": "c"}},  # one more
        {"pk": {"S": "a"}, "sk": {"N": "1"}},  # the wrong type
        {"pk": {"S": "a"}, "sk": {"L": [{"S": "b"}]}},  # not a scalar
    ):
        refused(lambda k=key: ddb.get_item(TableName=comp, Key=k), MISMATCH)
        refused(lambda k=key: ddb.delete_item(TableName=comp, Key=k), MISMATCH)
        refused(lambda k=key: ddb.batch_get_item(RequestItems={comp: {"Keys": [k]}}), MISMATCH)
    # BatchWriteItem says so of a put's item key too, where PutItem says "Type mismatch".
    for value in ({"N": "5"}, {"L": [{"S": "x"}]}):
        refused(
            lambda v=value: ddb.batch_write_item(
                RequestItems={hash_: [{"PutRequest": {"Item": {"pk": v}}}]}
            ),
            MISMATCH,
        )
    refused(
        lambda: ddb.put_item(TableName=hash_, Item={"pk": {"N": "5"}}),
        "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
    )


def test_key_lengths_are_limited_on_reads_as_on_writes(ddb, tables):
    hash_, comp = tables["hash"], tables["comp"]
    longest = {"pk": {"S": "k" * 2048}}
    ddb.put_item(TableName=hash_, Item=longest)
    assert ddb.get_item(TableName=hash_, Key=longest)["Item"] == longest
    too_long = {"pk": {"S": "k" * 2049}}
    refused(lambda: ddb.put_item(TableName=hash_, Item=too_long), HASH_TOO_LONG)
    refused(lambda: ddb.get_item(TableName=hash_, Key=too_long), HASH_TOO_LONG)
    refused(lambda: ddb.delete_item(TableName=hash_, Key=too_long), HASH_TOO_LONG)
    # Bytes, not characters: 683 three-byte characters are 2049 bytes.
    refused(lambda: ddb.get_item(TableName=hash_, Key={"pk": {"S": "€" * 683}}), HASH_TOO_LONG)
    sorted_key = {"pk": {"S": "a"}, "sk": {"S": "s" * 1024}}
    assert "Item" not in ddb.get_item(TableName=comp, Key=sorted_key)
    refused(
        lambda: ddb.get_item(TableName=comp, Key={"pk": {"S": "a"}, "sk": {"S": "s" * 1025}}),
        RANGE_TOO_LONG,
    )


def test_exclusive_start_key_must_be_a_key_of_what_is_read(ddb, tables):
    comp, hash_ = tables["comp"], tables["hash"]
    query = {
        "TableName": comp,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": "q"}},
    }
    on_gsi = {
        "TableName": comp,
        "IndexName": "gsi1",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "x"}},
    }
    invalid = "The provided starting key is invalid"
    refused(lambda: ddb.query(**query, ExclusiveStartKey={"bad": {"S": "p"}}), invalid)
    refused(
        lambda: ddb.query(**query, ExclusiveStartKey={"pk": {"S": "q"}, "sk": {"N": "1"}}),
        invalid,
    )
    # On an index: the table's key and the index's, nothing less.
    refused(
        lambda: ddb.query(**on_gsi, ExclusiveStartKey={"pk": {"S": "x"}, "sk": {"S": "y"}}),
        invalid,
    )
    # Scan of the table says why (it was an HTTP 500).
    refused(
        lambda: ddb.scan(TableName=hash_, ExclusiveStartKey={"bad": {"S": "p"}}),
        invalid + ": " + MISMATCH,
    )
    # A LastEvaluatedKey goes back as it came.
    for sk in ("a", "b", "c"):
        ddb.put_item(TableName=comp, Item={"pk": {"S": "q"}, "sk": {"S": sk}, "g": {"S": "x"}})
    page = ddb.query(**query, Limit=1)
    rest = ddb.query(**query, ExclusiveStartKey=page["LastEvaluatedKey"])
    assert [i["sk"]["S"] for i in rest["Items"]] == ["b", "c"]
    page = ddb.query(**on_gsi, Limit=1)
    assert set(page["LastEvaluatedKey"]) == {"pk", "sk", "g"}
    ddb.query(**on_gsi, ExclusiveStartKey=page["LastEvaluatedKey"])


def test_a_non_scalar_key_in_a_transaction_is_no_server_error(ddb, tables):
    table = tables["hash"]
    bad = {"pk": {"L": [{"S": "x"}]}}
    for action in (
        {
            "Update": {
                "TableName": table,
                "Key": bad,
                "UpdateExpression": "SET a = :v",
                "ExpressionAttributeValues": {":v": {"S": "x"}},
            }
        },
        {"Delete": {"TableName": table, "Key": bad}},
        {
            "ConditionCheck": {
                "TableName": table,
                "Key": bad,
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
    ):
        reasons = cancelled(lambda a=action: ddb.transact_write_items(TransactItems=[a]))
        assert len(reasons) == 1 and reasons[0]["Code"] != "None"


# -- the same rules for dynamo.send on in-process moto ---------------------------------------


@pytest.fixture
def moto_binary_table(moto_engine) -> str:
    """A table keyed on a binary ``pk``, on in-process moto."""
    return create_table(
        moto_engine.client("dynamodb"), unique_table_name("keys-moto"), [("pk", "B")]
    )


def test_send_on_in_process_moto_refuses_keys_alike(moto_engine, moto_binary_table):
    from workbench.engine.dynamo import send
    from workbench.model.requests import Request

    table = moto_binary_table
    with pytest.raises(RequestRejected) as info:
        send(moto_engine, Request("GetItem", {"TableName": table, "Key": {"pk": {"B": b""}}}))
    assert info.value.error_message == EMPTY_KEY.format(kind="binary", name="pk")
    with pytest.raises(RequestRejected) as info:
        send(moto_engine, Request("GetItem", {"TableName": table, "Key": {"pk": {"S": "a"}}}))
    assert info.value.error_message == MISMATCH
