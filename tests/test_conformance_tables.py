"""Table names and table definitions as DynamoDB answers them, for every client (issue 18).

Each request goes to the session's managed server over HTTP, from a plain boto3 client
(``local_engine.client``, which skips the workbench's ``dynamo.send``) or, where botocore
would refuse to send it (no ``TableName``, a ``Limit`` of 0), as signed raw HTTP: what is
tested is the server. Every refusal is checked for DynamoDB's code, message and HTTP 400 (never
a 500); every operation also gets a valid request that must still pass. The same pure checks
refuse through ``dynamo.send`` on in-process moto (last tests).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import dynamodb_raw, unique_table_name

from workbench.engine.dynamo import send
from workbench.errors import RequestRejected
from workbench.model.requests import Request

pytestmark = pytest.mark.server

PATTERN = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
REQUIRED = "The parameter 'TableName' is required but was not present in the request"
INVALID = "One or more parameter values were invalid: "
NEITHER_UNITS = (
    INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode "
    "is PAY_PER_REQUEST"
)


def violation(value: Any, field: str, rule: str) -> str:
    shown = "null" if value is None else f"'{value}'"
    return f"Value {shown} at '{field}' failed to satisfy constraint: {rule}"


def one(value: Any, field: str, rule: str) -> str:
    return "1 validation error detected: " + violation(value, field, rule)


@pytest.fixture
def raw(local_server):
    """Send one raw, signed DynamoDB request to the managed server: (status, JSON answer)."""

    def post(operation: str, body: Any) -> tuple[int, Any]:
        return dynamodb_raw(local_server.endpoint, local_server.secret, operation, body)

    return post


@pytest.fixture
def client(local_engine):
    """A plain boto3 DynamoDB client on the managed server (no workbench checks)."""
    return local_engine.client("dynamodb")


def refused(raw, operation: str, body: Any, code: str, message: str) -> None:
    """Assert the server answers ``body`` with HTTP 400, DynamoDB's ``code`` and ``message``."""
    status, answer = raw(operation, body)
    assert status == 400, (status, answer)
    assert answer["__type"] == f"com.amazonaws.dynamodb.v20120810#{code}", answer
    assert answer["message"] == message


def client_refused(call, code: str, message: str) -> None:
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    assert (error["Code"], error["Message"]) == (code, message)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def hash_table(name: str, **extra: Any) -> dict[str, Any]:
    """A CreateTable request: partition key ``pk`` (S), on demand."""
    return {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        **extra,
    }


def keys(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"AttributeName": name, "KeyType": kind} for name, kind in pairs]


def defined(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in pairs]


def index(name: str, *pairs: tuple[str, str], projection: str = "ALL") -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": keys(*pairs),
        "Projection": {"ProjectionType": projection},
    }


@pytest.fixture
def table(client) -> str:
    """A provisioned table (pk S, 5/5) with a GSI ``gsi`` on ``g`` (S)."""
    name = unique_table_name("conf")
    client.create_table(
        TableName=name,
        KeySchema=keys(("pk", "HASH")),
        AttributeDefinitions=defined(("pk", "S"), ("g", "S")),
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        GlobalSecondaryIndexes=[
            {
                **index("gsi", ("g", "HASH")),
                "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            }
        ],
    )
    return name


# -- a missing TableName: HTTP 500 before -------------------------------------------------

ITEM_BODIES = {
    "PutItem": {"Item": {"pk": {"S": "a"}}},
    "GetItem": {"Key": {"pk": {"S": "a"}}},
    "DeleteItem": {"Key": {"pk": {"S": "a"}}},
    "UpdateItem": {
        "Key": {"pk": {"S": "a"}},
        "UpdateExpression": "SET b = :b",
        "ExpressionAttributeValues": {":b": {"S": "x"}},
    },
    "Query": {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}},
    "Scan": {},
}
TABLE_BODIES = {
    "CreateTable": {k: v for k, v in hash_table("unused").items() if k != "TableName"},
    "DescribeTable": {},
    "DeleteTable": {},
    "UpdateTable": {"BillingMode": "PAY_PER_REQUEST"},
    "UpdateTimeToLive": {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "t"}},
    "DescribeTimeToLive": {},
}


@pytest.mark.parametrize("operation", sorted(ITEM_BODIES))
def test_an_item_operation_without_a_table_name(raw, operation: str) -> None:
    message = one(None, "tableName", "Member must not be null")
    refused(raw, operation, ITEM_BODIES[operation], "ValidationException", message)


@pytest.mark.parametrize("operation", sorted(TABLE_BODIES))
def test_a_table_operation_without_a_table_name(raw, operation: str) -> None:
    refused(raw, operation, TABLE_BODIES[operation], "ValidationException", REQUIRED)


# -- malformed table names: accepted, or "not found", before ------------------------------


@pytest.mark.parametrize("operation", sorted(ITEM_BODIES))
def test_an_item_operation_refuses_a_malformed_name(raw, operation: str) -> None:
    for name, message in (
        ("bad table!@#", one("bad table!@#", "tableName", PATTERN)),
        ("", one("", "tableName", "Member must have length greater than or equal to 1")),
        (
            "a" * 256,
            one("a" * 256, "tableName", "Member must have length less than or equal to 255"),
        ),
    ):
        refused(
            raw,
            operation,
            {**ITEM_BODIES[operation], "TableName": name},
            "ValidationException",
            message,
        )


def test_an_item_operation_takes_a_short_name_and_finds_no_table(raw) -> None:
    # A 1- or 2-character name is a name to DynamoDB's item operations: the table is not found.
    refused(
        raw,
        "GetItem",
        {**ITEM_BODIES["GetItem"], "TableName": "ab"},
        "ResourceNotFoundException",
        "Requested resource not found",
    )


def test_create_table_refuses_a_malformed_name(raw, client) -> None:
    too_short = "Member must have length greater than or equal to 3"
    refused(
        raw,
        "CreateTable",
        hash_table("ab"),
        "ValidationException",
        one("ab", "tableName", too_short),
    )
    refused(
        raw,
        "CreateTable",
        hash_table("bad name!"),
        "ValidationException",
        one("bad name!", "tableName", PATTERN),
    )
    long_bad = "x!" * 128
    refused(
        raw,
        "CreateTable",
        hash_table(long_bad),
        "ValidationException",
        "2 validation errors detected: "
        + violation(long_bad, "tableName", PATTERN)
        + "; "
        + violation(long_bad, "tableName", "Member must have length less than or equal to 255"),
    )
    refused(
        raw,
        "CreateTable",
        hash_table(""),
        "ValidationException",
        "2 validation errors detected: "
        + violation("", "tableName", PATTERN)
        + "; "
        + violation("", "tableName", too_short),
    )
    names = client.list_tables(Limit=100)["TableNames"]
    assert not {"ab", "bad name!", long_bad} & set(names)  # nothing was created


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("DescribeTable", {}),
        ("DeleteTable", {}),
        ("UpdateTable", {"BillingMode": "PAY_PER_REQUEST"}),
        ("DescribeTimeToLive", {}),
        ("UpdateTimeToLive", {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "t"}}),
    ],
)
def test_a_table_operation_refuses_a_malformed_name(raw, operation: str, body: dict) -> None:
    too_short = "Member must have length greater than or equal to 3"
    refused(
        raw,
        operation,
        {**body, "TableName": "ab"},
        "ValidationException",
        one("ab", "tableName", too_short),
    )
    refused(
        raw,
        operation,
        {**body, "TableName": "no/slash"},
        "ValidationException",
        one("no/slash", "tableName", PATTERN),
    )
    refused(
        raw,
        operation,
        {**body, "TableName": ""},
        "ValidationException",
        "2 validation errors detected: "
        + violation("", "tableName", too_short)
        + "; "
        + violation("", "tableName", PATTERN),
    )


def test_a_table_arn_is_a_table_name(client, table: str) -> None:
    arn = client.describe_table(TableName=table)["Table"]["TableArn"]
    assert client.describe_table(TableName=arn)["Table"]["TableName"] == table


def test_a_batch_refuses_a_malformed_table_name(raw) -> None:
    keys_rule = (
        "Map keys must satisfy constraint: [Member must have length less than or equal to 255, "
        "Member must have length greater than or equal to 3, " + PATTERN + "]"
    )
    refused(
        raw,
        "BatchGetItem",
        {"RequestItems": {"bad!name": {"Keys": [{"pk": {"S": "a"}}]}}},
        "ValidationException",
        one('{"bad!name":{"Keys":[{"pk":{"S":"a"}}]}}', "requestItems", keys_rule),
    )
    items = {"x": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]}
    refused(
        raw,
        "BatchWriteItem",
        {"RequestItems": items},
        "ValidationException",
        one('{"x":[{"PutRequest":{"Item":{"pk":{"S":"a"}}}}]}', "requestItems", keys_rule),
    )


def test_a_transaction_names_the_action_with_a_malformed_table_name(raw, table: str) -> None:
    actions = [
        {"Put": {"TableName": table, "Item": {"pk": {"S": "t1"}}}},
        {
            "Update": {
                "TableName": "bad!name",
                "Key": {"pk": {"S": "a"}},
                "UpdateExpression": "SET a = :a",
                "ExpressionAttributeValues": {":a": {"S": "x"}},
            }
        },
    ]
    refused(
        raw,
        "TransactWriteItems",
        {"TransactItems": actions},
        "ValidationException",
        one("bad!name", "transactItems.2.member.update.tableName", PATTERN),
    )
    gets = [{"Get": {"TableName": "", "Key": {"pk": {"S": "a"}}}}]
    refused(
        raw,
        "TransactGetItems",
        {"TransactItems": gets},
        "ValidationException",
        one(
            "",
            "transactItems.1.member.get.tableName",
            "Member must have length greater than or equal to 1",
        ),
    )
    status, answer = raw("GetItem", {"TableName": table, "Key": {"pk": {"S": "t1"}}})
    assert (status, answer) == (200, {})  # the refused transaction wrote nothing


# -- CreateTable's definitions: accepted, or a 500, before -------------------------------


def test_create_table_refuses_a_local_index_on_a_hash_only_table(client) -> None:
    client_refused(
        lambda: client.create_table(
            **hash_table(
                unique_table_name("conf"),
                AttributeDefinitions=defined(("pk", "S"), ("l", "S")),
                LocalSecondaryIndexes=[index("lsi1", ("pk", "HASH"), ("l", "RANGE"))],
            )
        ),
        "ValidationException",
        INVALID + "Table KeySchema does not have a range key, which is required when specifying a "
        "LocalSecondaryIndex",
    )


def composite(name: str, *extra: tuple[str, str], **more: Any) -> dict[str, Any]:
    """A CreateTable request: keys ``pk`` and ``sk`` (S), on demand, ``extra`` definitions."""
    request = hash_table(
        name,
        KeySchema=keys(("pk", "HASH"), ("sk", "RANGE")),
        AttributeDefinitions=defined(("pk", "S"), ("sk", "S"), *extra),
    )
    return request | more


def test_create_table_refuses_a_local_index_with_another_hash_key(client) -> None:
    request = composite(
        unique_table_name("conf"),
        ("o", "S"),
        ("l", "S"),
        LocalSecondaryIndexes=[index("lsi1", ("o", "HASH"), ("l", "RANGE"))],
    )
    client_refused(
        lambda: client.create_table(**request),
        "ValidationException",
        INVALID + "Index KeySchema does not have the same leading hash key as table KeySchema for "
        "index: lsi1. index hash key: o, table hash key: pk",
    )


def test_create_table_refuses_a_local_index_without_a_range_key(client) -> None:
    request = composite(
        unique_table_name("conf"), LocalSecondaryIndexes=[index("lsi1", ("pk", "HASH"))]
    )
    client_refused(
        lambda: client.create_table(**request),
        "ValidationException",
        INVALID + "Index KeySchema does not have a range key for index: lsi1",
    )


def test_create_table_refuses_duplicate_index_names(client) -> None:
    request = composite(
        unique_table_name("conf"),
        ("a", "S"),
        ("b", "S"),
        GlobalSecondaryIndexes=[index("same", ("a", "HASH")), index("same", ("b", "HASH"))],
    )
    client_refused(
        lambda: client.create_table(**request),
        "ValidationException",
        INVALID + "Duplicate index name: same",
    )


def test_create_table_refuses_one_attribute_named_twice_in_the_key(client) -> None:
    request = hash_table(unique_table_name("conf"), KeySchema=keys(("pk", "HASH"), ("pk", "RANGE")))
    client_refused(
        lambda: client.create_table(**request),
        "ValidationException",
        "Invalid KeySchema: Some index key attribute have no definition",
    )
    request = composite(unique_table_name("conf"), KeySchema=keys(("pk", "HASH"), ("pk", "RANGE")))
    client_refused(
        lambda: client.create_table(**request),
        "ValidationException",
        "Both the Hash Key and the Range Key element in the KeySchema have the same name",
    )


def test_create_table_refuses_an_invalid_attribute_type(client) -> None:
    request = hash_table(unique_table_name("conf"), AttributeDefinitions=defined(("pk", "INVALID")))
    client_refused(
        lambda: client.create_table(**request),
        "ValidationException",
        one(
            "INVALID",
            "attributeDefinitions.1.member.attributeType",
            "Member must satisfy enum value set: [B, N, S]",
        ),
    )


def test_create_table_refuses_throughput_on_demand(client) -> None:
    request = hash_table(
        unique_table_name("conf"),
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    client_refused(lambda: client.create_table(**request), "ValidationException", NEITHER_UNITS)


def test_create_table_refuses_zero_throughput(raw) -> None:
    body = hash_table(
        unique_table_name("conf"),
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
    )
    rule = "Member must have value greater than or equal to 1"
    refused(
        raw,
        "CreateTable",
        body,
        "ValidationException",
        "2 validation errors detected: "
        + violation(0, "provisionedThroughput.writeCapacityUnits", rule)
        + "; "
        + violation(0, "provisionedThroughput.readCapacityUnits", rule),
    )


def test_create_table_refuses_index_keys_without_definitions_and_definitions_without_keys(
    client,
) -> None:
    request = hash_table(
        unique_table_name("conf"), GlobalSecondaryIndexes=[index("gsi", ("g", "HASH"))]
    )
    client_refused(
        lambda: client.create_table(**request),
        "ValidationException",
        INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
        "Keys: [g], AttributeDefinitions: [pk]",
    )
    unused = hash_table(
        unique_table_name("conf"),
        AttributeDefinitions=defined(("pk", "S"), ("x", "S")),
        GlobalSecondaryIndexes=[index("gsi", ("pk", "HASH"))],
    )
    client_refused(
        lambda: client.create_table(**unused),
        "ValidationException",
        INVALID
        + "Some AttributeDefinitions are not used. AttributeDefinitions: [pk, x], keys used: [pk]",
    )


def test_create_table_takes_a_valid_definition(client) -> None:
    name = unique_table_name("conf")
    request = composite(
        name,
        ("l", "N"),
        ("g", "S"),
        LocalSecondaryIndexes=[
            index("lsi1", ("pk", "HASH"), ("l", "RANGE"), projection="KEYS_ONLY")
        ],
        GlobalSecondaryIndexes=[index("gsi1", ("g", "HASH"), ("sk", "RANGE"))],
    )
    described = client.create_table(**request)["TableDescription"]
    assert described["TableName"] == name
    assert [i["IndexName"] for i in described["LocalSecondaryIndexes"]] == ["lsi1"]
    client.delete_table(TableName=name)


# -- UpdateTable: a 500, or accepted, before ----------------------------------------------


def test_update_table_refuses_creating_an_index_that_exists(client, table: str) -> None:
    client_refused(
        lambda: client.update_table(
            TableName=table,
            AttributeDefinitions=defined(("g", "S")),
            GlobalSecondaryIndexUpdates=[
                {
                    "Create": {
                        **index("gsi", ("g", "HASH")),
                        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                    }
                }
            ],
        ),
        "ValidationException",
        "Attempting to create an index which already exists",
    )


def test_update_table_refuses_deleting_an_index_that_does_not_exist(client, table: str) -> None:
    client_refused(
        lambda: client.update_table(
            TableName=table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "nope"}}]
        ),
        "ResourceNotFoundException",
        f"Requested resource not found: Index nope for table {table}",
    )


def test_update_table_refuses_new_index_keys_missing_from_its_definitions(
    client, table: str
) -> None:
    create = {
        **index("gsi2", ("pk", "HASH"), ("g3", "RANGE")),
        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    }
    client_refused(
        lambda: client.update_table(
            TableName=table,
            AttributeDefinitions=defined(("g3", "S")),
            GlobalSecondaryIndexUpdates=[{"Create": create}],
        ),
        "ValidationException",
        INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
        "Keys: [pk, g3], AttributeDefinitions: [g3]",
    )


def test_update_table_refuses_throughput_on_demand_zero_and_unchanged(
    client, raw, table: str
) -> None:
    client_refused(
        lambda: client.update_table(
            TableName=table,
            BillingMode="PAY_PER_REQUEST",
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        ),
        "ValidationException",
        NEITHER_UNITS,
    )
    refused(
        raw,
        "UpdateTable",
        {
            "TableName": table,
            "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 5},
        },
        "ValidationException",
        one(
            0,
            "provisionedThroughput.readCapacityUnits",
            "Member must have value greater than or equal to 1",
        ),
    )
    client_refused(
        lambda: client.update_table(
            TableName=table,
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        ),
        "ValidationException",
        "The provisioned throughput for the table will not change. The requested value equals the "
        "current value. Current ReadCapacityUnits provisioned for the table: 5. Requested "
        "ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 5. "
        "Requested WriteCapacityUnits: 5. Refer to the Amazon DynamoDB Developer Guide for "
        "current limits and how to request higher limits.",
    )
    client_refused(
        lambda: client.update_table(TableName=table),
        "ValidationException",
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
        "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, "
        "OnDemandThroughput, WarmThroughput or TableClass is required",
    )


def test_update_table_takes_valid_changes(client, table: str) -> None:
    client.update_table(
        TableName=table, ProvisionedThroughput={"ReadCapacityUnits": 6, "WriteCapacityUnits": 7}
    )
    units = client.describe_table(TableName=table)["Table"]["ProvisionedThroughput"]
    assert (units["ReadCapacityUnits"], units["WriteCapacityUnits"]) == (6, 7)
    client.update_table(
        TableName=table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "gsi"}}]
    )
    assert not client.describe_table(TableName=table)["Table"].get("GlobalSecondaryIndexes")
    client.update_table(
        TableName=table,
        AttributeDefinitions=defined(("g", "S")),
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    **index("gsi", ("g", "HASH")),
                    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                }
            }
        ],
    )
    indexes = client.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"]
    assert [i["IndexName"] for i in indexes] == ["gsi"]


# -- time to live, tags ----------------------------------------------------------------------


def test_update_time_to_live_refuses_an_empty_attribute_name(client, raw, table: str) -> None:
    # botocore refuses to send it: a raw request, as another SDK could send.
    body = {"TableName": table, "TimeToLiveSpecification": {"Enabled": True, "AttributeName": ""}}
    rule = "Member must have length greater than or equal to 1"
    refused(
        raw,
        "UpdateTimeToLive",
        body,
        "ValidationException",
        one("", "timeToLiveSpecification.attributeName", rule),
    )
    ttl = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "DISABLED"


def test_time_to_live_of_a_missing_table_is_not_found(client) -> None:
    missing = unique_table_name("missing")
    message = f"Requested resource not found: Table: {missing} not found"
    client_refused(
        lambda: client.update_time_to_live(
            TableName=missing, TimeToLiveSpecification={"Enabled": True, "AttributeName": "t"}
        ),
        "ResourceNotFoundException",
        message,
    )
    client_refused(
        lambda: client.describe_time_to_live(TableName=missing),
        "ResourceNotFoundException",
        message,
    )


def test_time_to_live_of_a_table(client, table: str) -> None:
    answer = client.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "t"}
    )
    assert answer["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "t"}
    assert (
        client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]["AttributeName"]
        == "t"
    )


def test_tag_resource_refuses_a_malformed_arn_and_tags_a_table(client, table: str) -> None:
    client_refused(
        lambda: client.tag_resource(
            ResourceArn="not-a-valid-arn", Tags=[{"Key": "env", "Value": "test"}]
        ),
        "ValidationException",
        INVALID + "ARNs must start with 'arn:': not-a-valid-arn",
    )
    client_refused(
        lambda: client.list_tags_of_resource(ResourceArn=table),
        "ValidationException",
        INVALID + f"ARNs must start with 'arn:': {table}",
    )
    arn = client.describe_table(TableName=table)["Table"]["TableArn"]
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}])
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "test"}
    ]


# -- ListTables: in the order made, before ------------------------------------------------


def all_names(client, limit: int) -> list[str]:
    names: list[str] = []
    params: dict[str, Any] = {"Limit": limit}
    while True:
        page = client.list_tables(**params)
        assert len(page["TableNames"]) <= limit
        names += page["TableNames"]
        if "LastEvaluatedTableName" not in page:
            return names
        assert page["LastEvaluatedTableName"] == page["TableNames"][-1]
        params["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]


def test_list_tables_pages_names_in_ascending_order(client) -> None:
    prefix = unique_table_name("order")
    made = [f"{prefix}-{suffix}" for suffix in ("c", "a", "d", "b")]
    for name in made:
        client.create_table(**hash_table(name))
    names = all_names(client, 2)
    assert names == sorted(names) and len(names) == len(set(names))
    assert [n for n in names if n.startswith(prefix)] == sorted(made)
    # A start name need not be a table: the page holds the names after it.
    page = client.list_tables(ExclusiveStartTableName=f"{prefix}-aa", Limit=2)
    assert page["TableNames"] == [f"{prefix}-b", f"{prefix}-c"]
    last = client.list_tables(ExclusiveStartTableName=names[-2], Limit=1)
    assert last["TableNames"] == [names[-1]] and "LastEvaluatedTableName" not in last
    for name in made:
        client.delete_table(TableName=name)


def test_list_tables_refuses_a_bad_limit_or_start_name(raw) -> None:
    refused(
        raw,
        "ListTables",
        {"Limit": 0},
        "ValidationException",
        one(0, "limit", "Member must have value greater than or equal to 1"),
    )
    refused(
        raw,
        "ListTables",
        {"Limit": 101},
        "ValidationException",
        one(101, "limit", "Member must have value less than or equal to 100"),
    )
    refused(
        raw,
        "ListTables",
        {"ExclusiveStartTableName": ""},
        "ValidationException",
        "2 validation errors detected: "
        + violation("", "exclusiveStartTableName", PATTERN)
        + "; "
        + violation(
            "", "exclusiveStartTableName", "Member must have length greater than or equal to 3"
        ),
    )


# -- members of the wrong JSON type: a 500, or a table named 123, before ----------------------

SERIALIZATION = "SerializationException"


@pytest.mark.parametrize(
    ("operation", "body", "message"),
    [
        ("CreateTable", hash_table(123), "NUMBER_VALUE can not be converted to a String"),
        ("GetItem", {"TableName": True, "Key": {}}, "TRUE_VALUE can not be converted to a String"),
        ("CreateTable", hash_table("conf-kinds", KeySchema="pk"), "Expected list or null"),
        (
            "CreateTable",
            hash_table(
                "conf-kinds",
                GlobalSecondaryIndexes=[{**index("g1", ("pk", "HASH")), "Projection": "ALL"}],
            ),
            "Expected null",
        ),
        (
            "UpdateTable",
            {"TableName": "conf-kinds", "GlobalSecondaryIndexUpdates": "x"},
            "Expected list or null",
        ),
        (
            "UpdateTimeToLive",
            {"TableName": "conf-kinds", "TimeToLiveSpecification": "x"},
            "Expected null",
        ),
        ("ListTables", {"Limit": "x"}, "STRING_VALUE can not be converted to an Integer"),
        (
            "ListTables",
            {"ExclusiveStartTableName": 5},
            "NUMBER_VALUE can not be converted to a String",
        ),
        (
            "TransactGetItems",
            {"TransactItems": [{"Get": {"TableName": ["x"], "Key": {}}}]},
            "Start of list found where not expected",
        ),
    ],
)
def test_a_member_of_the_wrong_type_is_a_serialization_error(raw, operation, body, message) -> None:
    refused(raw, operation, body, SERIALIZATION, message)


def test_update_table_refuses_an_index_update_with_no_action_or_two(raw, table: str) -> None:
    refused(
        raw,
        "UpdateTable",
        {"TableName": table, "GlobalSecondaryIndexUpdates": [{}]},
        "ValidationException",
        INVALID + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
        "GlobalSecondaryIndexUpdate.Delete must not be null",
    )
    both = {
        "Delete": {"IndexName": "gsi"},
        "Update": {
            "IndexName": "gsi",
            "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2},
        },
    }
    refused(
        raw,
        "UpdateTable",
        {"TableName": table, "GlobalSecondaryIndexUpdates": [both]},
        "ValidationException",
        INVALID
        + "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object",
    )


# -- every item operation still works with a valid name ------------------------------------


def test_item_operations_take_a_valid_name(client, table: str) -> None:
    client.put_item(TableName=table, Item={"pk": {"S": "i1"}, "g": {"S": "x"}})
    assert client.get_item(TableName=table, Key={"pk": {"S": "i1"}})["Item"]["g"] == {"S": "x"}
    client.update_item(
        TableName=table,
        Key={"pk": {"S": "i1"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "1"}},
    )
    found = client.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "i1"}},
    )
    assert found["Count"] == 1
    assert client.scan(TableName=table)["Count"] == 1
    client.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": {"pk": {"S": "i2"}}}}]})
    got = client.batch_get_item(RequestItems={table: {"Keys": [{"pk": {"S": "i2"}}]}})
    assert got["Responses"][table] == [{"pk": {"S": "i2"}}]
    client.transact_write_items(
        TransactItems=[{"Delete": {"TableName": table, "Key": {"pk": {"S": "i2"}}}}]
    )
    got = client.transact_get_items(
        TransactItems=[{"Get": {"TableName": table, "Key": {"pk": {"S": "i1"}}}}]
    )
    assert got["Responses"][0]["Item"]["n"] == {"N": "1"}
    client.delete_item(TableName=table, Key={"pk": {"S": "i1"}})
    assert client.scan(TableName=table)["Count"] == 0
    client.delete_table(TableName=table)


# -- the same checks refuse through dynamo.send on in-process moto ---------------------------


def test_send_refuses_the_same_on_in_process_moto(moto_engine) -> None:
    name = unique_table_name("conf")
    created = hash_table(
        name,
        AttributeDefinitions=defined(("pk", "S"), ("g", "S")),
        GlobalSecondaryIndexes=[index("gsi", ("g", "HASH"))],
    )
    send(moto_engine, Request("CreateTable", created))
    cases = [
        (
            Request("PutItem", {"TableName": "bad table!@#", "Item": {"pk": {"S": "a"}}}),
            "ValidationException",
            one("bad table!@#", "tableName", PATTERN),
        ),
        (
            Request("DescribeTable", {"TableName": "ab"}),
            "ValidationException",
            one("ab", "tableName", "Member must have length greater than or equal to 3"),
        ),
        (
            Request(
                "CreateTable",
                hash_table(
                    unique_table_name("conf"),
                    AttributeDefinitions=defined(("pk", "S"), ("l", "S")),
                    LocalSecondaryIndexes=[index("lsi1", ("pk", "HASH"), ("l", "RANGE"))],
                ),
            ),
            "ValidationException",
            INVALID
            + "Table KeySchema does not have a range key, which is required when specifying a "
            "LocalSecondaryIndex",
        ),
        (
            Request(
                "UpdateTable",
                {
                    "TableName": name,
                    "AttributeDefinitions": defined(("g", "S")),
                    "GlobalSecondaryIndexUpdates": [{"Create": index("gsi", ("g", "HASH"))}],
                },
            ),
            "ValidationException",
            "Attempting to create an index which already exists",
        ),
        (
            Request(
                "UpdateTable",
                {
                    "TableName": name,
                    "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "nope"}}],
                },
            ),
            "ResourceNotFoundException",
            f"Requested resource not found: Index nope for table {name}",
        ),
        (
            Request("TagResource", {"ResourceArn": name, "Tags": [{"Key": "a", "Value": "b"}]}),
            "ValidationException",
            INVALID + f"ARNs must start with 'arn:': {name}",
        ),
        (
            Request(
                "UpdateTimeToLive",
                {
                    "TableName": name,
                    "TimeToLiveSpecification": {"Enabled": True, "AttributeName": ""},
                },
            ),
            "ValidationException",
            one(
                "",
                "timeToLiveSpecification.attributeName",
                "Member must have length greater than or equal to 1",
            ),
        ),
    ]
    for request, code, message in cases:
        with pytest.raises(RequestRejected) as info:
            send(moto_engine, request)
        assert (info.value.error_code, info.value.error_message) == (code, message), request


# -- what a table's description carries, and what guards a table --------------------------

PROTECTED = (
    "Resource cannot be deleted as it is currently protected against deletion. Disable deletion "
    "protection first."
)


def test_a_description_carries_the_table_id_class_and_on_demand_throughput(client) -> None:
    name = unique_table_name("conf")
    created = client.create_table(
        **hash_table(
            name,
            TableClass="STANDARD_INFREQUENT_ACCESS",
            OnDemandThroughput={"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 5},
        )
    )["TableDescription"]
    table_id = created["TableId"]
    assert len(table_id) == 36  # a UUID
    described = client.describe_table(TableName=name)["Table"]
    assert described["TableId"] == table_id
    assert client.describe_table(TableName=name)["Table"]["TableId"] == table_id
    assert described["TableClassSummary"] == {"TableClass": "STANDARD_INFREQUENT_ACCESS"}
    assert described["OnDemandThroughput"] == {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 5}
    updated = client.update_table(
        TableName=name,
        TableClass="STANDARD",
        OnDemandThroughput={"MaxReadRequestUnits": 20, "MaxWriteRequestUnits": 15},
    )["TableDescription"]
    assert updated["TableId"] == table_id
    described = client.describe_table(TableName=name)["Table"]
    assert described["TableClassSummary"]["TableClass"] == "STANDARD"
    assert "LastUpdateDateTime" in described["TableClassSummary"]
    assert described["OnDemandThroughput"] == {
        "MaxReadRequestUnits": 20,
        "MaxWriteRequestUnits": 15,
    }
    assert client.delete_table(TableName=name)["TableDescription"]["TableId"] == table_id
    # A table made again under the same name is another table.
    plain = client.create_table(**hash_table(name))["TableDescription"]
    assert plain["TableId"] != table_id
    assert "TableClassSummary" not in plain and "OnDemandThroughput" not in plain
    client.delete_table(TableName=name)


def test_delete_table_refuses_a_protected_table(client) -> None:
    name = unique_table_name("conf")
    client.create_table(**hash_table(name, DeletionProtectionEnabled=True))
    client_refused(lambda: client.delete_table(TableName=name), "ValidationException", PROTECTED)
    assert client.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True
    client.update_table(TableName=name, DeletionProtectionEnabled=False)
    client.delete_table(TableName=name)
    with pytest.raises(ClientError):
        client.describe_table(TableName=name)


def test_create_table_refuses_a_stream_specification_or_class_dynamodb_refuses(client, raw) -> None:
    name = unique_table_name("conf")
    for stream, message in (
        (
            {"StreamEnabled": False, "StreamViewType": "NEW_IMAGE"},
            INVALID + "StreamViewType cannot be specified when StreamEnabled is false",
        ),
        (
            {"StreamEnabled": True},
            INVALID + "You must specify a StreamViewType when enabling a stream",
        ),
    ):
        client_refused(
            lambda stream=stream: client.create_table(
                **hash_table(name, StreamSpecification=stream)
            ),
            "ValidationException",
            message,
        )
    classes = "Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]"
    refused(
        raw,
        "CreateTable",
        hash_table(name, TableClass="COLD"),
        "ValidationException",
        one("COLD", "tableClass", classes),
    )
    client_refused(
        lambda: client.describe_table(TableName=name),
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {name} not found",
    )
    client.create_table(
        **hash_table(name, StreamSpecification={"StreamEnabled": False}, TableClass="STANDARD")
    )
    assert "StreamSpecification" not in client.describe_table(TableName=name)["Table"]
    client.delete_table(TableName=name)


def test_update_table_refuses_a_new_index_without_attribute_definitions(client, table) -> None:
    client_refused(
        lambda: client.update_table(
            TableName=table,
            GlobalSecondaryIndexUpdates=[{"Create": index("gsiBadAttr", ("unknownAttr", "HASH"))}],
        ),
        "ValidationException",
        INVALID + "AttributeDefinitions is not specified for index: gsiBadAttr",
    )
    indexes = client.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"]
    assert [i["IndexName"] for i in indexes] == ["gsi"]


# -- a request's members: all broken ones in one message, before the table is looked for ------

CONSUMED = "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"
METRICS = "Member must satisfy enum value set: [SIZE, NONE]"
RETURN_VALUES = (
    "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"
)


def test_bad_enums_are_refused_together_before_the_table_is_looked_for(raw) -> None:
    missing = unique_table_name("missing")
    key = {"pk": {"S": "a"}}
    bad = {"ReturnConsumedCapacity": "INVALID", "ReturnValues": "INVALID"}
    refused(
        raw,
        "PutItem",
        {"TableName": missing, "Item": key, **bad, "ReturnItemCollectionMetrics": "INVALID"},
        "ValidationException",
        "3 validation errors detected: "
        + "; ".join(
            (
                violation("INVALID", "returnConsumedCapacity", CONSUMED),
                violation("INVALID", "returnItemCollectionMetrics", METRICS),
                violation("INVALID", "returnValues", RETURN_VALUES),
            )
        ),
    )
    refused(
        raw,
        "DeleteItem",
        {"TableName": missing, "Key": key, **bad},
        "ValidationException",
        "2 validation errors detected: "
        + violation("INVALID", "returnConsumedCapacity", CONSUMED)
        + "; "
        + violation("INVALID", "returnValues", RETURN_VALUES),
    )
    # UpdateItem stops at its ReturnValues.
    refused(
        raw,
        "UpdateItem",
        {"TableName": missing, "Key": key, **bad},
        "ValidationException",
        one("INVALID", "returnValues", RETURN_VALUES),
    )
    selects = (
        "Member must satisfy enum value set: "
        "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"
    )
    refused(
        raw,
        "Scan",
        {"TableName": missing, "Select": "SOME"},
        "ValidationException",
        one("SOME", "select", selects),
    )
    refused(
        raw,
        "PutItem",
        {"TableName": missing, "Item": key, "ReturnValues": "ALL_OLD"},
        "ResourceNotFoundException",
        "Requested resource not found",
    )


def test_scan_segments_as_dynamodb_checks_them(raw, client, table) -> None:
    cases = [
        (
            {"Segment": -1, "TotalSegments": 4},
            one(-1, "segment", "Member must have value greater than or equal to 0"),
        ),
        (
            {"Segment": 0, "TotalSegments": 1000001},
            one(1000001, "totalSegments", "Member must have value less than or equal to 1000000"),
        ),
        (
            {"Segment": 5, "TotalSegments": 5},
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            "Segment: 5 is not less than TotalSegments: 5",
        ),
        (
            {"Segment": 0},
            "The TotalSegments parameter is required but was not present in the request when "
            "Segment parameter is present",
        ),
        (
            {"TotalSegments": 4},
            "The Segment parameter is required but was not present in the request when "
            "parameter TotalSegments is present",
        ),
    ]
    for body, message in cases:
        refused(raw, "Scan", {"TableName": table, **body}, "ValidationException", message)
    client.put_item(TableName=table, Item={"pk": {"S": "s1"}})
    found = sum(client.scan(TableName=table, Segment=s, TotalSegments=3)["Count"] for s in range(3))
    assert found == 1


def test_a_query_of_an_index_the_table_has_not_is_a_validation_error(client, table) -> None:
    client_refused(
        lambda: client.query(
            TableName=table,
            IndexName="does_not_exist",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "a"}},
        ),
        "ValidationException",
        "The table does not have the specified index: does_not_exist",
    )
    answer = client.query(
        TableName=table,
        IndexName="gsi",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "a"}},
    )
    assert answer["Count"] == 0


# -- tags, restores, exports and imports ----------------------------------------------------


def test_tags_take_a_new_value_and_an_unknown_arn_is_denied(client, table) -> None:
    arn = client.describe_table(TableName=table)["Table"]["TableArn"]
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "staging"}])
    client.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "env", "Value": "production"}, {"Key": "team", "Value": "a"}]
    )
    tags = client.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "production"), ("team", "a")]
    account = arn.split(":")[4]
    unknown = arn.rsplit("/", 1)[0] + "/" + unique_table_name("missing")
    for operation, call in (
        ("ListTagsOfResource", lambda: client.list_tags_of_resource(ResourceArn=unknown)),
        ("TagResource", lambda: client.tag_resource(ResourceArn=unknown, Tags=tags)),
        ("UntagResource", lambda: client.untag_resource(ResourceArn=unknown, TagKeys=["env"])),
    ):
        client_refused(
            call,
            "AccessDeniedException",
            f"User: arn:aws:iam::{account}:root is not authorized to perform: dynamodb:"
            f"{operation} on resource: {unknown} because no resource-based policy allows the "
            f"dynamodb:{operation} action",
        )


def test_a_restore_answers_in_progress(client, table) -> None:
    backup = client.create_backup(TableName=table, BackupName="conf")["BackupDetails"]["BackupArn"]
    target = unique_table_name("restored")
    restored = client.restore_table_from_backup(TargetTableName=target, BackupArn=backup)
    summary = restored["TableDescription"]["RestoreSummary"]
    assert (summary["SourceBackupArn"], summary["RestoreInProgress"]) == (backup, True)
    assert restored["TableDescription"]["TableStatus"] == "CREATING"
    assert client.describe_table(TableName=target)["Table"]["TableStatus"] == "ACTIVE"
    client.delete_table(TableName=target)


def test_an_export_and_an_import_start_in_progress(client, local_engine) -> None:
    s3 = local_engine.client("s3")
    bucket = unique_table_name("bucket").lower().replace("_", "-")
    s3.create_bucket(Bucket=bucket)
    source = unique_table_name("export")
    arn = client.create_table(**hash_table(source))["TableDescription"]["TableArn"]
    client.put_item(TableName=source, Item={"pk": {"S": "a"}})
    client.update_continuous_backups(
        TableName=source,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    export = client.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket)
    export = export["ExportDescription"]
    assert export["ExportStatus"] == "IN_PROGRESS" and "S3Prefix" not in export
    listed = client.list_exports(TableArn=arn)["ExportSummaries"]
    assert export["ExportArn"] in [e["ExportArn"] for e in listed]

    s3.put_object(Bucket=bucket, Key="imp/data.json", Body=b'{"Item":{"pk":{"S":"one"}}}\n')
    target = unique_table_name("import")
    started = client.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "imp/"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters=hash_table(target),
    )["ImportTableDescription"]
    assert started["ImportStatus"] == "IN_PROGRESS"
    imports = client.list_imports()["ImportSummaryList"]
    assert started["ImportArn"] in [i["ImportArn"] for i in imports]
    for _ in range(100):
        done = client.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]
        if done["ImportStatus"] != "IN_PROGRESS":
            break
        time.sleep(0.05)
    assert done["ImportStatus"] == "COMPLETED"
    assert client.get_item(TableName=target, Key={"pk": {"S": "one"}})["Item"]
    client.delete_table(TableName=target)
    client.delete_table(TableName=source)


# -- what moto does not serve: answered as DynamoDB does, never a 500 -----------------------


def test_contributor_insights_are_disabled_until_enabled(client, table) -> None:
    answer = client.describe_contributor_insights(TableName=table)
    assert (answer["TableName"], answer["ContributorInsightsStatus"]) == (table, "DISABLED")
    changed = client.update_contributor_insights(
        TableName=table, ContributorInsightsAction="ENABLE"
    )
    assert changed["ContributorInsightsStatus"] == "ENABLING"
    assert client.describe_contributor_insights(TableName=table)["ContributorInsightsStatus"] == (
        "ENABLED"
    )
    listed = client.list_contributor_insights(TableName=table)["ContributorInsightsSummaries"]
    assert listed == [{"TableName": table, "ContributorInsightsStatus": "ENABLED"}]
    missing = unique_table_name("missing")
    client_refused(
        lambda: client.describe_contributor_insights(TableName=missing),
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {missing} not found",
    )


def test_kinesis_destinations_are_none_until_enabled(client, table) -> None:
    answer = client.describe_kinesis_streaming_destination(TableName=table)
    assert answer == {**answer, "TableName": table, "KinesisDataStreamDestinations": []}
    stream = "arn:aws:kinesis:us-east-1:123456789012:stream/conf"
    enabled = client.enable_kinesis_streaming_destination(TableName=table, StreamArn=stream)
    assert (enabled["StreamArn"], enabled["DestinationStatus"]) == (stream, "ENABLING")
    found = client.describe_kinesis_streaming_destination(TableName=table)
    assert [
        (d["StreamArn"], d["DestinationStatus"]) for d in found["KinesisDataStreamDestinations"]
    ] == [(stream, "ACTIVE")]
    client.disable_kinesis_streaming_destination(TableName=table, StreamArn=stream)
    found = client.describe_kinesis_streaming_destination(TableName=table)
    assert found["KinesisDataStreamDestinations"][0]["DestinationStatus"] == "DISABLED"


def test_an_operation_moto_lacks_is_an_unknown_operation_not_a_500(raw) -> None:
    status, answer = raw("DescribeGlobalTable", {"GlobalTableName": "conf"})
    assert status == 400, answer
    assert answer["__type"].endswith("#UnknownOperationException")
    assert "DescribeGlobalTable" in answer["message"]


def test_send_refuses_members_and_segments_on_in_process_moto(moto_engine) -> None:
    cases = [
        (
            Request("Scan", {"TableName": "conf_missing", "Segment": -1, "TotalSegments": 2}),
            one(-1, "segment", "Member must have value greater than or equal to 0"),
        ),
        (
            Request(
                "DeleteItem",
                {
                    "TableName": "conf_missing",
                    "Key": {"pk": {"S": "a"}},
                    "ReturnConsumedCapacity": "INVALID",
                    "ReturnItemCollectionMetrics": "INVALID",
                },
            ),
            "2 validation errors detected: "
            + violation("INVALID", "returnConsumedCapacity", CONSUMED)
            + "; "
            + violation("INVALID", "returnItemCollectionMetrics", METRICS),
        ),
        (
            Request(
                "CreateTable",
                hash_table(
                    "conf_stream",
                    StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"},
                ),
            ),
            INVALID + "StreamViewType cannot be specified when StreamEnabled is false",
        ),
    ]
    for request, message in cases:
        with pytest.raises(RequestRejected) as info:
            send(moto_engine, request)
        assert (info.value.error_code, info.value.error_message) == ("ValidationException", message)
