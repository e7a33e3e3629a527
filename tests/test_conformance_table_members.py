"""A request's members as DynamoDB checks them, for every client (issue 18): members of
the wrong JSON type, bad enums (all in one message, before the table is looked for), scan
segments, an index the table has not.

Requests and checks as in test_conformance_table_names.py (fixtures in conftest.py).
"""

from __future__ import annotations

import pytest
from helpers import (
    INVALID,
    hash_table,
    index,
    one_violation,
    raw_refused,
    refused,
    unique_table_name,
    violation,
)

from workbench.engine.dynamo import send
from workbench.errors import RequestRejected
from workbench.model.requests import Request

pytestmark = pytest.mark.server

REQUIRED = "The parameter 'TableName' is required but was not present in the request"


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
                GlobalSecondaryIndexes=[{**index("g1", "pk"), "Projection": "ALL"}],
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
    raw_refused(raw, operation, body, SERIALIZATION, message)


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
    raw_refused(
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
    raw_refused(
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
    raw_refused(
        raw,
        "UpdateItem",
        {"TableName": missing, "Key": key, **bad},
        "ValidationException",
        one_violation("INVALID", "returnValues", RETURN_VALUES),
    )
    selects = (
        "Member must satisfy enum value set: "
        "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"
    )
    raw_refused(
        raw,
        "Scan",
        {"TableName": missing, "Select": "SOME"},
        "ValidationException",
        one_violation("SOME", "select", selects),
    )
    raw_refused(
        raw,
        "PutItem",
        {"TableName": missing, "Item": key, "ReturnValues": "ALL_OLD"},
        "ResourceNotFoundException",
        "Requested resource not found",
    )


def test_scan_segments_as_dynamodb_checks_them(raw, local_client, provisioned_table) -> None:
    cases = [
        (
            {"Segment": -1, "TotalSegments": 4},
            one_violation(-1, "segment", "Member must have value greater than or equal to 0"),
        ),
        (
            {"Segment": 0, "TotalSegments": 1000001},
            one_violation(
                1000001, "totalSegments", "Member must have value less than or equal to 1000000"
            ),
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
        raw_refused(
            raw, "Scan", {"TableName": provisioned_table, **body}, "ValidationException", message
        )
    local_client.put_item(TableName=provisioned_table, Item={"pk": {"S": "s1"}})
    found = sum(
        local_client.scan(TableName=provisioned_table, Segment=s, TotalSegments=3)["Count"]
        for s in range(3)
    )
    assert found == 1


def test_a_query_of_an_index_the_table_has_not_is_a_validation_error(
    local_client, provisioned_table
) -> None:
    refused(
        lambda: local_client.query(
            TableName=provisioned_table,
            IndexName="does_not_exist",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "a"}},
        ),
        "The table does not have the specified index: does_not_exist",
    )
    answer = local_client.query(
        TableName=provisioned_table,
        IndexName="gsi",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "a"}},
    )
    assert answer["Count"] == 0


def test_send_refuses_members_and_segments_on_in_process_moto(moto_engine) -> None:
    cases = [
        (
            Request("Scan", {"TableName": "conf_missing", "Segment": -1, "TotalSegments": 2}),
            one_violation(-1, "segment", "Member must have value greater than or equal to 0"),
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
