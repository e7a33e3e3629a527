"""Items, expressions, batches and transactions as DynamoDB answers them (issue 18).

Every request goes over real HTTP to the managed server with a raw boto3 client (botocore's
own parameter validation off), as the AWS CLI or any SDK would send it, so the server itself
is what is tested: its checks (model/limits), its request rewrites and answer reshapes
(engine/local/fixes.py) and its moto fixes (engine/motofixes.py). Each refusal is asserted
with DynamoDB's exact error code and message and HTTP 400 (never 500); each valid request
with DynamoDB's answer. The last tests send some of the same requests through
``dynamo.send`` on in-process moto, which must refuse and answer alike.

DynamoDB's messages come from its API reference and from suites calibrated against it
(dynamodb-conformance, dynalite, moto's AWS-verified tests, ScyllaDB Alternator's tests);
each rules module cites its sources.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import (
    INVALID,
    VALIDATION,
    answered,
    create_table,
    index,
    refused,
    refused_on_every_put,
    unique_table_name,
)

from workbench.errors import RequestRejected
from workbench.model.limits import messages

pytestmark = pytest.mark.server


MIXED = (
    "Can not use both expression and non-expression parameters in the same request: "
    "Non-expression parameters: {%s} Expression parameters: {%s}"
)
UNDEFINED_NAME = (
    "Invalid %s: An expression attribute name used in the document path is not defined; "
    "attribute name: %s"
)
UNDEFINED_VALUE = (
    "Invalid %s: An expression attribute value used in expression is not defined; "
    "attribute value: %s"
)
UNUSED = "Value provided in ExpressionAttribute%s unused in expressions: keys: {%s}"


# -- the server's tables ----------------------------------------------------------------


@pytest.fixture(scope="module")
def tables(ddb) -> Iterator[dict[str, str]]:
    """hash (pk S), hashn (pk N), comp (pk, sk S; LSI lsi1 and GSI gsi1 on lsi1sk),
    compb (pk S, sk B): the shapes the conformance suites test against."""
    names = {kind: unique_table_name(f"conf-{kind}") for kind in ("hash", "hashn", "comp", "compb")}
    create_table(ddb, names["hash"], [("pk", "S")])
    create_table(ddb, names["hashn"], [("pk", "N")])
    create_table(ddb, names["compb"], [("pk", "S"), ("sk", "B")])
    create_table(
        ddb,
        names["comp"],
        [("pk", "S"), ("sk", "S")],
        types={"lsi1sk": "S"},
        LocalSecondaryIndexes=[index("lsi1", "pk", "lsi1sk")],
        GlobalSecondaryIndexes=[index("gsi1", "lsi1sk")],
    )
    yield names
    for name in names.values():
        ddb.delete_table(TableName=name)


def key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}}


# -- sets: empty, duplicated, nested -------------------------------------------------------

SET_CASES = [
    ({"SS": []}, INVALID + "An string set  may not be empty"),
    ({"NS": []}, INVALID + "An number set  may not be empty"),
    ({"BS": []}, INVALID + "Binary sets should not be empty"),
    ({"SS": ["a", "b", "a"]}, INVALID + "Input collection [a, b, a] contains duplicates."),
    ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),  # equal as numbers
    (
        {"BS": [b"\x01", b"\x01"]},
        INVALID + "Input collection [AQ==, AQ==]of type BS contains duplicates.",
    ),
    ({"L": [{"S": "x"}, {"SS": []}]}, INVALID + "An string set  may not be empty"),
    ({"M": {"inner": {"M": {"deep": {"NS": []}}}}}, INVALID + "An number set  may not be empty"),
]
SET_IDS = ["empty-ss", "empty-ns", "empty-bs", "dup-ss", "dup-ns", "dup-bs", "in-list", "in-map"]


@pytest.mark.parametrize("value,message", SET_CASES, ids=SET_IDS)
def test_sets_dynamodb_refuses_are_refused_wherever_they_are(ddb, tables, value, message):
    table = tables["hash"]
    item = {**key("sets"), "bad": value}
    refused_on_every_put(ddb, table, item, message)
    # In ExpressionAttributeValues DynamoDB names the placeholder.
    refused(
        lambda: ddb.update_item(
            TableName=table,
            Key=key("sets"),
            UpdateExpression="SET bad = :v",
            ExpressionAttributeValues={":v": value},
        ),
        f"ExpressionAttributeValues contains invalid value: {message} for key :v",
    )
    assert "Item" not in ddb.get_item(TableName=table, Key=key("sets"))


def test_sets_dynamodb_takes_are_stored(ddb, tables):
    table = tables["hash"]
    item = {
        **key("good-sets"),
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2"]},
        "bs": {"BS": [b"\x01", b"\x02"]},
        "nested": {"L": [{"M": {"s": {"SS": ["x"]}}}]},
        "empty_list": {"L": []},
        "empty_map": {"M": {}},
    }
    answered(ddb.put_item, TableName=table, Item=item)
    stored = ddb.get_item(TableName=table, Key=key("good-sets"))["Item"]
    assert stored == item


# -- BatchGetItem, TransactGetItems, BatchWriteItem: shapes --------------------------------


def test_batch_get_item_empty_long_or_with_a_key_twice_is_refused(ddb, tables):
    table, other = tables["hash"], tables["comp"]
    refused(
        lambda: ddb.batch_get_item(RequestItems={}),
        "The requestItems parameter is required for BatchGetItem",
    )
    refused(
        lambda: ddb.batch_get_item(RequestItems={table: {"Keys": [key("a"), key("a")]}}),
        "Provided list of item keys contains duplicates",
    )
    # 1 and 1.0 are one number, so one key.
    refused(
        lambda: ddb.batch_get_item(
            RequestItems={tables["hashn"]: {"Keys": [{"pk": {"N": "1"}}, {"pk": {"N": "1.0"}}]}}
        ),
        "Provided list of item keys contains duplicates",
    )
    refused(
        lambda: ddb.batch_get_item(
            RequestItems={table: {"Keys": [key(f"k{i}") for i in range(101)]}}
        ),
        f"1 validation error detected: Value at 'RequestItems.{table}.member.Keys' failed to "
        "satisfy constraint: Member must have length less than or equal to 100",
    )
    refused(
        lambda: ddb.batch_get_item(RequestItems={table: {"Keys": []}}),
        f"1 validation error detected: Value at 'RequestItems.{table}.member.Keys' failed to "
        "satisfy constraint: Member must have length greater than or equal to 1",
    )
    sixty = [{"pk": {"S": f"k{i}"}, "sk": {"S": "s"}} for i in range(60)]
    refused(
        lambda: ddb.batch_get_item(
            RequestItems={
                table: {"Keys": [key(f"k{i}") for i in range(60)]},
                other: {"Keys": sixty},
            }
        ),
        "Too many items requested for the BatchGetItem call",
    )
    # Expression and legacy projections may not mix, in one table's entry or across tables.
    refused(
        lambda: ddb.batch_get_item(
            RequestItems={
                table: {"Keys": [key("a")], "ProjectionExpression": "pk"},
                other: {"Keys": [sixty[0]], "AttributesToGet": ["pk"]},
            }
        ),
        MIXED % ("AttributesToGet", "ProjectionExpression"),
    )
    # A valid batch of 100 keys is answered.
    answer = answered(
        ddb.batch_get_item, RequestItems={table: {"Keys": [key(f"k{i}") for i in range(100)]}}
    )
    assert answer["Responses"] == {table: []}


def test_transact_get_items_empty_long_or_with_an_item_twice_is_refused(ddb, tables):
    table = tables["hash"]
    refused(lambda: ddb.transact_get_items(TransactItems=[]), messages.EMPTY_TRANSACTION)
    get = {"Get": {"TableName": table, "Key": key("twice")}}
    refused(
        lambda: ddb.transact_get_items(TransactItems=[get, get]),
        "Transaction request cannot include multiple operations on one item",
    )
    many = [{"Get": {"TableName": table, "Key": key(f"t{i}")}} for i in range(101)]
    refused(lambda: ddb.transact_get_items(TransactItems=many), messages.TOO_MANY_ACTIONS)


def test_transact_get_items_reads_up_to_100_items(ddb, tables):
    table = tables["hash"]
    answered(ddb.put_item, TableName=table, Item={**key("t7"), "v": {"N": "7"}})
    gets = [{"Get": {"TableName": table, "Key": key(f"t{i}")}} for i in range(100)]
    answer = answered(ddb.transact_get_items, TransactItems=gets)  # moto stopped at 25
    assert len(answer["Responses"]) == 100
    assert answer["Responses"][7] == {"Item": {**key("t7"), "v": {"N": "7"}}}
    assert answer["Responses"][8] == {}


def test_batch_write_item_empty_or_too_long_is_refused_in_dynamodbs_words(ddb, tables):
    table, other = tables["hash"], tables["hashn"]
    refused(
        lambda: ddb.batch_write_item(RequestItems={}),
        "The requestItems parameter is required for BatchWriteItem",
    )
    writes = [{"PutRequest": {"Item": key(f"bw-{i}")}} for i in range(26)]
    with pytest.raises(ClientError) as info:
        ddb.batch_write_item(RequestItems={table: writes})
    error = info.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Code"] == VALIDATION
    # DynamoDB echoes the request items (Java's toString), then the map's constraint.
    assert error["Error"]["Message"] == (
        f"1 validation error detected: Value '{{{table}=["
        + ", ".join(
            f"WriteRequest(putRequest=PutRequest(item={{pk=AttributeValue(s=bw-{i}, n=null, "
            "b=null, sS=null, nS=null, bS=null, m=null, l=null, nULL=null, bOOL=null)}), "
            "deleteRequest=null)"
            for i in range(26)
        )
        + "]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy "
        "constraint: [Member must have length less than or equal to 25, Member must have "
        "length greater than or equal to 1]"
    )
    refused(
        lambda: ddb.batch_write_item(RequestItems={table: []}),
        messages.EMPTY_BATCH_TABLE.format(table=table),
    )
    # 26 over two tables, each list within 25: the call's own limit.
    numbered = [{"PutRequest": {"Item": {"pk": {"N": str(i)}}}} for i in range(13)]
    refused(
        lambda: ddb.batch_write_item(RequestItems={table: writes[:13], other: numbered}),
        "Too many items requested for the BatchWriteItem call",
    )
    refused(
        lambda: ddb.batch_write_item(
            RequestItems={
                table: [
                    {"PutRequest": {"Item": key("dup")}},
                    {"DeleteRequest": {"Key": key("dup")}},
                ]
            }
        ),
        "Provided list of item keys contains duplicates",
    )
    answered(ddb.batch_write_item, RequestItems={table: writes[:25]})
    assert ddb.get_item(TableName=table, Key=key("bw-24"))["Item"] == key("bw-24")


def test_limit_below_one_is_refused_in_each_operations_words(ddb, tables):
    table = tables["hash"]
    refused(
        lambda: ddb.query(
            TableName=table,
            KeyConditionExpression="pk = :v",
            ExpressionAttributeValues={":v": {"S": "x"}},
            Limit=0,
        ),
        "1 validation error detected: Value at 'Limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )
    refused(
        lambda: ddb.scan(TableName=table, Limit=0),
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )


# -- legacy and expression parameters ----------------------------------------------------


MIXED_CASES = [
    (
        "get_item",
        "hash",
        {"Key": key("mix"), "AttributesToGet": ["pk"], "ProjectionExpression": "pk"},
        ("AttributesToGet", "ProjectionExpression"),
    ),
    (
        "put_item",
        "hash",
        {
            "Item": key("mix"),
            "Expected": {"pk": {"Exists": False}},
            "ConditionExpression": "attribute_not_exists(pk)",
        },
        ("Expected", "ConditionExpression"),
    ),
    # moto answered this one ConditionalCheckFailedException.
    (
        "delete_item",
        "hash",
        {
            "Key": key("mix"),
            "Expected": {"pk": {"Exists": False}},
            "ConditionExpression": "attribute_exists(pk)",
        },
        ("Expected", "ConditionExpression"),
    ),
    (
        "update_item",
        "hash",
        {
            "Key": key("mix"),
            "AttributeUpdates": {"a": {"Action": "PUT", "Value": {"S": "x"}}},
            "UpdateExpression": "SET b = :v",
            "ExpressionAttributeValues": {":v": {"S": "y"}},
        },
        ("AttributeUpdates", "UpdateExpression"),
    ),
    # Both sides listed in order, as DynamoDB lists them.
    (
        "query",
        "comp",
        {
            "KeyConditionExpression": "pk = :p",
            "FilterExpression": "x = :x",
            "AttributesToGet": ["y"],
            "ExpressionAttributeValues": {":p": {"S": "p"}, ":x": {"S": "x"}},
        },
        ("AttributesToGet", "FilterExpression, KeyConditionExpression"),
    ),
    (
        "scan",
        "hash",
        {
            "ScanFilter": {"pk": {"ComparisonOperator": "NOT_NULL"}},
            "ConditionalOperator": "OR",
            "FilterExpression": "attribute_exists(pk)",
        },
        ("ConditionalOperator, ScanFilter", "FilterExpression"),
    ),
]


@pytest.mark.parametrize(
    "operation,kind,params,sides", MIXED_CASES, ids=[case[0] for case in MIXED_CASES]
)
def test_legacy_and_expression_parameters_do_not_mix(ddb, tables, operation, kind, params, sides):
    answered(ddb.put_item, TableName=tables["hash"], Item=key("mix"))
    call = getattr(ddb, operation)
    refused(lambda: call(TableName=tables[kind], **params), MIXED % sides)


def test_legacy_parameters_alone_are_answered(ddb, tables):
    table = tables["hash"]
    answered(ddb.put_item, TableName=table, Item=key("mix"))
    answered(
        ddb.put_item,
        TableName=table,
        Item=key("mix"),
        Expected={"pk": {"Exists": True, "Value": {"S": "mix"}}},
    )
    answer = answered(
        ddb.scan,
        TableName=table,
        ScanFilter={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "mix"}]}},
    )
    assert answer["Items"] == [key("mix")]


# -- expression attribute names and values -----------------------------------------------


def test_undefined_placeholders_are_refused_not_http_500(ddb, tables):
    table, comp = tables["hash"], tables["comp"]
    refused(
        lambda: ddb.query(
            TableName=comp,
            KeyConditionExpression="pk = :pk",
            FilterExpression="#missing = :fv",
            ExpressionAttributeValues={":pk": {"S": "v"}, ":fv": {"S": "x"}},
        ),
        UNDEFINED_NAME % ("FilterExpression", "#missing"),
    )
    refused(
        lambda: ddb.scan(TableName=table, FilterExpression="a = :nope"),
        UNDEFINED_VALUE % ("FilterExpression", ":nope"),
    )
    refused(
        lambda: ddb.get_item(TableName=table, Key=key("x"), ProjectionExpression="pk, #nope"),
        UNDEFINED_NAME % ("ProjectionExpression", "#nope"),
    )
    refused(
        lambda: ddb.update_item(TableName=table, Key=key("x"), UpdateExpression="SET a = :v"),
        UNDEFINED_VALUE % ("UpdateExpression", ":v"),
    )


def test_unused_placeholders_are_refused(ddb, tables):
    table, comp = tables["hash"], tables["comp"]
    refused(
        lambda: ddb.query(
            TableName=comp,
            KeyConditionExpression="pk = :v",
            ExpressionAttributeValues={":v": {"S": "val"}},
            ExpressionAttributeNames={"#unused": "someattr"},
        ),
        UNUSED % ("Names", "#unused"),
    )
    refused(
        lambda: ddb.get_item(
            TableName=table,
            Key=key("x"),
            ProjectionExpression="pk",
            ExpressionAttributeNames={"#a": "a", "#b": "b"},
        ),
        UNUSED % ("Names", "#a, #b"),
    )
    # moto took these three.
    refused(
        lambda: ddb.put_item(
            TableName=table,
            Item=key("x"),
            ConditionExpression="attribute_not_exists(pk)",
            ExpressionAttributeValues={":x": {"S": "a"}},
        ),
        UNUSED % ("Values", ":x"),
    )
    refused(
        lambda: ddb.delete_item(
            TableName=table,
            Key=key("x"),
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":x": {"S": "a"}},
        ),
        UNUSED % ("Values", ":x"),
    )
    refused(
        lambda: ddb.scan(
            TableName=table,
            FilterExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":x": {"S": "a"}},
        ),
        UNUSED % ("Values", ":x"),
    )
    refused(
        lambda: ddb.transact_write_items(
            TransactItems=[
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": key("x"),
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": {":x": {"S": "a"}},
                    }
                }
            ]
        ),
        UNUSED % ("Values", ":x"),
    )
    refused(
        lambda: ddb.put_item(
            TableName=table, Item=key("x"), ExpressionAttributeValues={":v": {"S": "unused"}}
        ),
        "ExpressionAttributeValues can only be specified when using expressions",
    )
    refused(
        lambda: ddb.update_item(
            TableName=table, Key=key("x"), ExpressionAttributeNames={"#s": "status"}
        ),
        "ExpressionAttributeNames can only be specified when using expressions",
    )
    assert "Item" not in ddb.get_item(TableName=table, Key=key("x"))


# -- answers: size(), projections, AttributesToGet, metrics, binary, numbers --------------


def test_size_over_items_lacking_the_attribute_matches_nothing(ddb, tables):
    table = tables["comp"]
    for sk, extra in (("a", {"s": {"S": "hello"}}), ("b", {}), ("c", {"s": {"N": "12345"}})):
        answered(ddb.put_item, TableName=table, Item={**key("size"), "sk": {"S": sk}, **extra})
    for name, values in (("#a", {}), ("s", None)):
        params: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": "pk = :pk",
            "FilterExpression": f"size({name}) > :n",
            "ExpressionAttributeValues": {":pk": {"S": "size"}, ":n": {"N": "1"}},
        }
        if values is not None:
            params["ExpressionAttributeNames"] = {"#a": "s"}
        answer = answered(ddb.query, **params)  # was HTTP 500
        assert [i["sk"]["S"] for i in answer["Items"]] == ["a"]
        assert answer["ScannedCount"] == 3
        scan = {k: v for k, v in params.items() if k != "KeyConditionExpression"}
        scan["FilterExpression"] = f"pk = :pk AND size({name}) > :n"
        answer = answered(ddb.scan, **scan)  # was a 400 "Bad Filter Expression"
        assert [i["sk"]["S"] for i in answer["Items"]] == ["a"]
    # A number has no size: neither below nor at least 3.
    for comparison in ("<", ">="):
        answer = answered(
            ddb.query,
            TableName=table,
            KeyConditionExpression="pk = :pk AND sk = :sk",
            FilterExpression=f"size(s) {comparison} :n",
            ExpressionAttributeValues={
                ":pk": {"S": "size"},
                ":sk": {"S": "c"},
                ":n": {"N": "3"},
            },
        )
        assert answer["Items"] == []


def test_projection_with_list_indexes_returns_those_elements(ddb, tables):
    table, comp = tables["hash"], tables["comp"]
    lst = {"L": [{"S": "zero"}, {"S": "one"}, {"S": "two"}]}
    mp = {"M": {"nested": {"S": "deep"}, "other": {"N": "42"}}}
    answered(ddb.put_item, TableName=table, Item={**key("proj"), "mylist": lst, "mymap": mp})
    answered(
        ddb.put_item,
        TableName=comp,
        Item={**key("proj"), "sk": {"S": "a"}, "mylist": lst, "mymap": mp},
    )

    def get(expression: str, names: dict[str, str] | None = None) -> dict[str, Any]:
        extra = {"ExpressionAttributeNames": names} if names else {}
        return answered(
            ddb.get_item, TableName=table, Key=key("proj"), ProjectionExpression=expression, **extra
        )["Item"]

    assert get("#l[1]", {"#l": "mylist"}) == {"mylist": {"L": [{"S": "one"}]}}
    assert get("mylist[0], mylist[2], mymap.other") == {
        "mylist": {"L": [{"S": "zero"}, {"S": "two"}]},
        "mymap": {"M": {"other": {"N": "42"}}},
    }
    assert get("#m.#n, #m.other", {"#m": "mymap", "#n": "nested"}) == {"mymap": mp}
    assert get("mylist[7], nothing") == {}  # nothing matches: an empty item
    answer = answered(
        ddb.query,
        TableName=comp,
        KeyConditionExpression="#pk = :pk",
        ProjectionExpression="#m.#n, #l[1]",
        ExpressionAttributeNames={"#pk": "pk", "#m": "mymap", "#n": "nested", "#l": "mylist"},
        ExpressionAttributeValues={":pk": {"S": "proj"}},
    )
    assert answer["Items"] == [
        {"mylist": {"L": [{"S": "one"}]}, "mymap": {"M": {"nested": {"S": "deep"}}}}
    ]
    answer = answered(
        ddb.transact_get_items,
        TransactItems=[
            {
                "Get": {
                    "TableName": table,
                    "Key": key("proj"),
                    "ProjectionExpression": "#l[2]",
                    "ExpressionAttributeNames": {"#l": "mylist"},
                }
            }
        ],
    )
    assert answer["Responses"] == [{"Item": {"mylist": {"L": [{"S": "two"}]}}}]


def test_attributes_to_get_returns_only_those_attributes(ddb, tables):
    table, comp = tables["hash"], tables["comp"]
    item = {**key("atg"), "a": {"S": "A"}, "b": {"N": "2"}, "c": {"BOOL": True}}
    answered(ddb.put_item, TableName=table, Item=item)
    answered(ddb.put_item, TableName=comp, Item={**item, "sk": {"S": "s"}})
    got = answered(ddb.get_item, TableName=table, Key=key("atg"), AttributesToGet=["a", "c"])
    assert got["Item"] == {"a": {"S": "A"}, "c": {"BOOL": True}}
    got = answered(
        ddb.query,
        TableName=comp,
        KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "atg"}]}},
        AttributesToGet=["sk", "b"],
    )
    assert got["Items"] == [{"sk": {"S": "s"}, "b": {"N": "2"}}]
    got = answered(
        ddb.scan,
        TableName=table,
        ScanFilter={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "atg"}]}},
        AttributesToGet=["b", "missing"],
    )
    assert got["Items"] == [{"b": {"N": "2"}}]
    got = answered(
        ddb.batch_get_item,
        RequestItems={
            table: {"Keys": [key("atg")], "AttributesToGet": ["pk", "a"]},
            comp: {"Keys": [{**key("atg"), "sk": {"S": "s"}}]},
        },
    )
    assert got["Responses"][table] == [{**key("atg"), "a": {"S": "A"}}]
    assert got["Responses"][comp] == [{**item, "sk": {"S": "s"}}]  # none asked: all of it


def test_item_collection_metrics_on_a_table_with_a_local_index(ddb, tables):
    comp, table = tables["comp"], tables["hash"]
    metrics = {"ItemCollectionKey": key("icm"), "SizeEstimateRangeGB": [0.0, 1.0]}
    item = {**key("icm"), "sk": {"S": "a"}, "lsi1sk": {"S": "l"}}
    size = {"ReturnItemCollectionMetrics": "SIZE"}
    got = answered(ddb.put_item, TableName=comp, Item=item, **size)
    assert got["ItemCollectionMetrics"] == metrics
    got = answered(
        ddb.update_item,
        TableName=comp,
        Key={**key("icm"), "sk": {"S": "a"}},
        UpdateExpression="SET d = :v",
        ExpressionAttributeValues={":v": {"S": "x"}},
        **size,
    )
    assert got["ItemCollectionMetrics"] == metrics
    got = answered(ddb.delete_item, TableName=comp, Key={**key("icm"), "sk": {"S": "a"}}, **size)
    assert got["ItemCollectionMetrics"] == metrics
    got = answered(
        ddb.batch_write_item, RequestItems={comp: [{"PutRequest": {"Item": item}}]}, **size
    )
    assert got["ItemCollectionMetrics"] == {comp: [metrics]}
    got = answered(
        ddb.transact_write_items, TransactItems=[{"Put": {"TableName": comp, "Item": item}}], **size
    )
    assert got["ItemCollectionMetrics"] == {comp: [metrics]}
    # NONE, or a table without a local index: none.
    got = answered(ddb.put_item, TableName=comp, Item=item, ReturnItemCollectionMetrics="NONE")
    assert "ItemCollectionMetrics" not in got
    got = answered(ddb.put_item, TableName=table, Item=key("icm"), **size)
    assert "ItemCollectionMetrics" not in got


def test_begins_with_compares_binary_values_bytewise(ddb, tables):
    table = tables["compb"]
    for sk in (b"\x01", b"\x01\x02", b"\x02", b"\xff"):
        answered(
            ddb.put_item, TableName=table, Item={**key("bin"), "sk": {"B": sk}, "bb": {"B": sk}}
        )
    values = {":pk": {"S": "bin"}, ":p": {"B": b"\x01"}}
    answer = answered(
        ddb.query,
        TableName=table,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues=values,
    )
    assert [i["sk"]["B"] for i in answer["Items"]] == [b"\x01", b"\x01\x02"]
    answer = answered(
        ddb.query,
        TableName=table,
        KeyConditionExpression="pk = :pk",
        FilterExpression="begins_with(bb, :p)",
        ExpressionAttributeValues=values,
    )
    assert [i["sk"]["B"] for i in answer["Items"]] == [b"\x01", b"\x01\x02"]
    answer = answered(
        ddb.query,
        TableName=table,
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "bin"}]},
            "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"B": b"\x01"}]},
        },
    )
    assert [i["sk"]["B"] for i in answer["Items"]] == [b"\x01", b"\x01\x02"]


def test_numbers_are_stored_and_answered_as_dynamodb_writes_them(ddb, tables):
    """00042 is 42, 1.5E2 is 150, -0 is 0, 1.0 is 1: in items, keys, sets, nested maps and
    ExpressionAttributeValues ("leading and trailing zeroes are trimmed")."""
    table = tables["hashn"]
    item = {
        "pk": {"N": "00042"},
        "a": {"N": "1.5E2"},
        "b": {"N": "-0"},
        "c": {"N": "1.0"},
        "ns": {"NS": ["1.0", "02", "3.50"]},
        "m": {"M": {"x": {"N": "007"}, "l": {"L": [{"N": "0.10"}]}}},
    }
    answered(ddb.put_item, TableName=table, Item=item)
    stored = answered(ddb.get_item, TableName=table, Key={"pk": {"N": "42"}})["Item"]
    assert stored == {
        "pk": {"N": "42"},
        "a": {"N": "150"},
        "b": {"N": "0"},
        "c": {"N": "1"},
        "ns": {"NS": stored["ns"]["NS"]},
        "m": {"M": {"x": {"N": "7"}, "l": {"L": [{"N": "0.1"}]}}},
    }
    assert sorted(stored["ns"]["NS"]) == ["1", "2", "3.5"]
    # The key 42.0 is the key 42; a value through ExpressionAttributeValues is stored trimmed.
    answered(
        ddb.update_item,
        TableName=table,
        Key={"pk": {"N": "42.0"}},
        UpdateExpression="SET d = :d",
        ExpressionAttributeValues={":d": {"N": "+0012.500"}},
    )
    got = answered(ddb.get_item, TableName=table, Key={"pk": {"N": "4.2E1"}})["Item"]
    assert got["d"] == {"N": "12.5"}
    assert len(answered(ddb.scan, TableName=table)["Items"]) == 1
    answer = answered(
        ddb.query,
        TableName=table,
        KeyConditionExpression="pk = :k",
        FilterExpression="a = :a",
        ExpressionAttributeValues={":k": {"N": "042"}, ":a": {"N": "150.00"}},
    )
    assert [i["pk"] for i in answer["Items"]] == [{"N": "42"}]


# -- the same rules for dynamo.send on in-process moto --------------------------------------


@pytest.fixture
def moto_table(moto_engine) -> str:
    name = unique_table_name("conf-moto")
    client = moto_engine.client("dynamodb")
    create_table(client, name, [("pk", "S")])
    return name


def test_send_on_in_process_moto_refuses_and_answers_alike(moto_engine, moto_table):
    from workbench.engine.dynamo import send
    from workbench.model.requests import Request

    def rejected(request: Request, message: str) -> None:
        with pytest.raises(RequestRejected) as info:
            send(moto_engine, request)
        assert (info.value.error_code, info.value.error_message) == (VALIDATION, message)

    table = moto_table
    rejected(
        Request("PutItem", {"TableName": table, "Item": {**key("m"), "s": {"SS": []}}}),
        INVALID + "An string set  may not be empty",
    )
    rejected(
        Request("BatchGetItem", {"RequestItems": {}}),
        "The requestItems parameter is required for BatchGetItem",
    )
    rejected(
        Request(
            "Scan",
            {
                "TableName": table,
                "FilterExpression": "#x = :v",
                "ExpressionAttributeValues": {":v": {"S": "a"}},
            },
        ),
        UNDEFINED_NAME % ("FilterExpression", "#x"),
    )
    rejected(
        Request(
            "DeleteItem",
            {
                "TableName": table,
                "Key": key("m"),
                "Expected": {"pk": {"Exists": False}},
                "ConditionExpression": "attribute_exists(pk)",
            },
        ),
        MIXED % ("Expected", "ConditionExpression"),
    )
    # moto's own results, fixed in process too.
    lst = {"L": [{"S": "zero"}, {"S": "one"}]}
    send(moto_engine, Request("PutItem", {"TableName": table, "Item": {**key("m"), "l": lst}}))
    got = send(
        moto_engine,
        Request(
            "GetItem",
            {
                "TableName": table,
                "Key": key("m"),
                "ProjectionExpression": "#l[1]",
                "ExpressionAttributeNames": {"#l": "l"},
            },
        ),
    )
    assert got["Item"] == {"l": {"L": [{"S": "one"}]}}
    got = send(
        moto_engine,
        Request(
            "Scan",
            {
                "TableName": table,
                "FilterExpression": "size(nothere) > :n",
                "ExpressionAttributeValues": {":n": {"N": "0"}},
            },
        ),
    )
    assert got["Items"] == []
    gets = [{"Get": {"TableName": table, "Key": key(f"g{i}")}} for i in range(30)]
    assert (
        len(send(moto_engine, Request("TransactGetItems", {"TransactItems": gets}))["Responses"])
        == 30
    )


def test_binary_sets_are_checked_as_bytes_and_as_base64_text() -> None:
    """boto3 client params carry bytes, the wire base64 text: both spell one binary."""
    from workbench.model.limits import values

    as_bytes = {"BS": [b"\x01", b"\x01"]}
    as_text = {"BS": [base64.b64encode(b"\x01").decode()] * 2}
    expected = INVALID + "Input collection [AQ==, AQ==]of type BS contains duplicates."
    assert values.set_problem(as_bytes) == values.set_problem(as_text) == expected
    assert values.set_problem({"BS": [b"\x01", b"\x02"]}) is None
