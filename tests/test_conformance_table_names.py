"""Table names as DynamoDB answers them, for every client (issue 18): a missing or
malformed ``TableName`` on every operation, in batches and transactions, ListTables' pages.

Each request goes to the session's managed server over HTTP, from a plain boto3 client
(``local_client``, which skips the workbench's ``dynamo.send``) or, where botocore would refuse
to send it (no ``TableName``, a ``Limit`` of 0), as signed raw HTTP (``raw``): what is tested is
the server. Every refusal is checked for DynamoDB's code, message and HTTP 400 (never a 500);
every operation also gets a valid request that must still pass. The same pure checks refuse
through ``dynamo.send`` on in-process moto (last tests).
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import (
    PATTERN,
    hash_table,
    one_violation,
    raw_refused,
    unique_table_name,
    violation,
)

pytestmark = pytest.mark.server

REQUIRED = "The parameter 'TableName' is required but was not present in the request"


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
    message = one_violation(None, "tableName", "Member must not be null")
    raw_refused(raw, operation, ITEM_BODIES[operation], "ValidationException", message)


@pytest.mark.parametrize("operation", sorted(TABLE_BODIES))
def test_a_table_operation_without_a_table_name(raw, operation: str) -> None:
    raw_refused(raw, operation, TABLE_BODIES[operation], "ValidationException", REQUIRED)


# -- malformed table names: accepted, or "not found", before ------------------------------


@pytest.mark.parametrize("operation", sorted(ITEM_BODIES))
def test_an_item_operation_refuses_a_malformed_name(raw, operation: str) -> None:
    for name, message in (
        ("bad table!@#", one_violation("bad table!@#", "tableName", PATTERN)),
        ("", one_violation("", "tableName", "Member must have length greater than or equal to 1")),
        (
            "a" * 256,
            one_violation(
                "a" * 256, "tableName", "Member must have length less than or equal to 255"
            ),
        ),
    ):
        raw_refused(
            raw,
            operation,
            {**ITEM_BODIES[operation], "TableName": name},
            "ValidationException",
            message,
        )


def test_an_item_operation_takes_a_short_name_and_finds_no_table(raw) -> None:
    # A 1- or 2-character name is a name to DynamoDB's item operations: the table is not found.
    raw_refused(
        raw,
        "GetItem",
        {**ITEM_BODIES["GetItem"], "TableName": "ab"},
        "ResourceNotFoundException",
        "Requested resource not found",
    )


def test_create_table_refuses_a_malformed_name(raw, local_client) -> None:
    too_short = "Member must have length greater than or equal to 3"
    raw_refused(
        raw,
        "CreateTable",
        hash_table("ab"),
        "ValidationException",
        one_violation("ab", "tableName", too_short),
    )
    raw_refused(
        raw,
        "CreateTable",
        hash_table("bad name!"),
        "ValidationException",
        one_violation("bad name!", "tableName", PATTERN),
    )
    long_bad = "x!" * 128
    raw_refused(
        raw,
        "CreateTable",
        hash_table(long_bad),
        "ValidationException",
        "2 validation errors detected: "
        + violation(long_bad, "tableName", PATTERN)
        + "; "
        + violation(long_bad, "tableName", "Member must have length less than or equal to 255"),
    )
    raw_refused(
        raw,
        "CreateTable",
        hash_table(""),
        "ValidationException",
        "2 validation errors detected: "
        + violation("", "tableName", PATTERN)
        + "; "
        + violation("", "tableName", too_short),
    )
    names = local_client.list_tables(Limit=100)["TableNames"]
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
    raw_refused(
        raw,
        operation,
        {**body, "TableName": "ab"},
        "ValidationException",
        one_violation("ab", "tableName", too_short),
    )
    raw_refused(
        raw,
        operation,
        {**body, "TableName": "no/slash"},
        "ValidationException",
        one_violation("no/slash", "tableName", PATTERN),
    )
    raw_refused(
        raw,
        operation,
        {**body, "TableName": ""},
        "ValidationException",
        "2 validation errors detected: "
        + violation("", "tableName", too_short)
        + "; "
        + violation("", "tableName", PATTERN),
    )


def test_a_table_arn_is_a_table_name(local_client, provisioned_table: str) -> None:
    arn = local_client.describe_table(TableName=provisioned_table)["Table"]["TableArn"]
    assert local_client.describe_table(TableName=arn)["Table"]["TableName"] == provisioned_table


def test_a_batch_refuses_a_malformed_table_name(raw) -> None:
    keys_rule = (
        "Map keys must satisfy constraint: [Member must have length less than or equal to 255, "
        "Member must have length greater than or equal to 3, " + PATTERN + "]"
    )
    raw_refused(
        raw,
        "BatchGetItem",
        {"RequestItems": {"bad!name": {"Keys": [{"pk": {"S": "a"}}]}}},
        "ValidationException",
        one_violation('{"bad!name":{"Keys":[{"pk":{"S":"a"}}]}}', "requestItems", keys_rule),
    )
    items = {"x": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]}
    raw_refused(
        raw,
        "BatchWriteItem",
        {"RequestItems": items},
        "ValidationException",
        one_violation(
            '{"x":[{"PutRequest":{"Item":{"pk":{"S":"a"}}}}]}', "requestItems", keys_rule
        ),
    )


def test_a_transaction_names_the_action_with_a_malformed_table_name(
    raw, provisioned_table: str
) -> None:
    actions = [
        {"Put": {"TableName": provisioned_table, "Item": {"pk": {"S": "t1"}}}},
        {
            "Update": {
                "TableName": "bad!name",
                "Key": {"pk": {"S": "a"}},
                "UpdateExpression": "SET a = :a",
                "ExpressionAttributeValues": {":a": {"S": "x"}},
            }
        },
    ]
    raw_refused(
        raw,
        "TransactWriteItems",
        {"TransactItems": actions},
        "ValidationException",
        one_violation("bad!name", "transactItems.2.member.update.tableName", PATTERN),
    )
    gets = [{"Get": {"TableName": "", "Key": {"pk": {"S": "a"}}}}]
    raw_refused(
        raw,
        "TransactGetItems",
        {"TransactItems": gets},
        "ValidationException",
        one_violation(
            "",
            "transactItems.1.member.get.tableName",
            "Member must have length greater than or equal to 1",
        ),
    )
    status, answer = raw("GetItem", {"TableName": provisioned_table, "Key": {"pk": {"S": "t1"}}})
    assert (status, answer) == (200, {})  # the refused transaction wrote nothing


# -- ListTables: in the order made, before ------------------------------------------------


def all_names(local_client, limit: int) -> list[str]:
    names: list[str] = []
    params: dict[str, Any] = {"Limit": limit}
    while True:
        page = local_client.list_tables(**params)
        assert len(page["TableNames"]) <= limit
        names += page["TableNames"]
        if "LastEvaluatedTableName" not in page:
            return names
        assert page["LastEvaluatedTableName"] == page["TableNames"][-1]
        params["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]


def test_list_tables_pages_names_in_ascending_order(local_client) -> None:
    prefix = unique_table_name("order")
    made = [f"{prefix}-{suffix}" for suffix in ("c", "a", "d", "b")]
    for name in made:
        local_client.create_table(**hash_table(name))
    names = all_names(local_client, 2)
    assert names == sorted(names) and len(names) == len(set(names))
    assert [n for n in names if n.startswith(prefix)] == sorted(made)
    # A start name need not be a table: the page holds the names after it.
    page = local_client.list_tables(ExclusiveStartTableName=f"{prefix}-aa", Limit=2)
    assert page["TableNames"] == [f"{prefix}-b", f"{prefix}-c"]
    last = local_client.list_tables(ExclusiveStartTableName=names[-2], Limit=1)
    assert last["TableNames"] == [names[-1]] and "LastEvaluatedTableName" not in last
    for name in made:
        local_client.delete_table(TableName=name)


def test_list_tables_refuses_a_bad_limit_or_start_name(raw) -> None:
    raw_refused(
        raw,
        "ListTables",
        {"Limit": 0},
        "ValidationException",
        one_violation(0, "limit", "Member must have value greater than or equal to 1"),
    )
    raw_refused(
        raw,
        "ListTables",
        {"Limit": 101},
        "ValidationException",
        one_violation(101, "limit", "Member must have value less than or equal to 100"),
    )
    raw_refused(
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


# -- every item operation still works with a valid name ------------------------------------


def test_item_operations_take_a_valid_name(local_client, provisioned_table: str) -> None:
    local_client.put_item(TableName=provisioned_table, Item={"pk": {"S": "i1"}, "g": {"S": "x"}})
    assert local_client.get_item(TableName=provisioned_table, Key={"pk": {"S": "i1"}})["Item"][
        "g"
    ] == {"S": "x"}
    local_client.update_item(
        TableName=provisioned_table,
        Key={"pk": {"S": "i1"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "1"}},
    )
    found = local_client.query(
        TableName=provisioned_table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "i1"}},
    )
    assert found["Count"] == 1
    assert local_client.scan(TableName=provisioned_table)["Count"] == 1
    local_client.batch_write_item(
        RequestItems={provisioned_table: [{"PutRequest": {"Item": {"pk": {"S": "i2"}}}}]}
    )
    got = local_client.batch_get_item(
        RequestItems={provisioned_table: {"Keys": [{"pk": {"S": "i2"}}]}}
    )
    assert got["Responses"][provisioned_table] == [{"pk": {"S": "i2"}}]
    local_client.transact_write_items(
        TransactItems=[{"Delete": {"TableName": provisioned_table, "Key": {"pk": {"S": "i2"}}}}]
    )
    got = local_client.transact_get_items(
        TransactItems=[{"Get": {"TableName": provisioned_table, "Key": {"pk": {"S": "i1"}}}}]
    )
    assert got["Responses"][0]["Item"]["n"] == {"N": "1"}
    local_client.delete_item(TableName=provisioned_table, Key={"pk": {"S": "i1"}})
    assert local_client.scan(TableName=provisioned_table)["Count"] == 0
    local_client.delete_table(TableName=provisioned_table)
