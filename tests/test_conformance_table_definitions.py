"""CreateTable's definitions and what a table's description carries, as DynamoDB
answers them, for every client (issue 18).

Requests and checks as in test_conformance_table_names.py (fixtures in conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import (
    INVALID,
    KEYS_ONLY,
    NEITHER_UNITS,
    PATTERN,
    definitions,
    hash_table,
    index,
    key_schema,
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


# -- CreateTable's definitions: accepted, or a 500, before -------------------------------


def test_create_table_refuses_a_local_index_on_a_hash_only_table(local_client) -> None:
    refused(
        lambda: local_client.create_table(
            **hash_table(
                unique_table_name("conf"),
                AttributeDefinitions=definitions({"pk": "S", "l": "S"}),
                LocalSecondaryIndexes=[index("lsi1", "pk", "l")],
            )
        ),
        INVALID + "Table KeySchema does not have a range key, which is required when specifying a "
        "LocalSecondaryIndex",
    )


def composite(name: str, *extra: tuple[str, str], **more: Any) -> dict[str, Any]:
    """A CreateTable request: keys ``pk`` and ``sk`` (S), on demand, ``extra`` definitions."""
    request = hash_table(
        name,
        KeySchema=key_schema("pk", "sk"),
        AttributeDefinitions=definitions({"pk": "S", "sk": "S", **dict(extra)}),
    )
    return request | more


def test_create_table_refuses_a_local_index_with_another_hash_key(local_client) -> None:
    request = composite(
        unique_table_name("conf"),
        ("o", "S"),
        ("l", "S"),
        LocalSecondaryIndexes=[index("lsi1", "o", "l")],
    )
    refused(
        lambda: local_client.create_table(**request),
        INVALID + "Index KeySchema does not have the same leading hash key as table KeySchema for "
        "index: lsi1. index hash key: o, table hash key: pk",
    )


def test_create_table_refuses_a_local_index_without_a_range_key(local_client) -> None:
    request = composite(unique_table_name("conf"), LocalSecondaryIndexes=[index("lsi1", "pk")])
    refused(
        lambda: local_client.create_table(**request),
        INVALID + "Index KeySchema does not have a range key for index: lsi1",
    )


def test_create_table_refuses_duplicate_index_names(local_client) -> None:
    request = composite(
        unique_table_name("conf"),
        ("a", "S"),
        ("b", "S"),
        GlobalSecondaryIndexes=[index("same", "a"), index("same", "b")],
    )
    refused(lambda: local_client.create_table(**request), INVALID + "Duplicate index name: same")


def test_create_table_refuses_one_attribute_named_twice_in_the_key(local_client) -> None:
    request = hash_table(unique_table_name("conf"), KeySchema=key_schema("pk", "pk"))
    refused(
        lambda: local_client.create_table(**request),
        "Invalid KeySchema: Some index key attribute have no definition",
    )
    request = composite(unique_table_name("conf"), KeySchema=key_schema("pk", "pk"))
    refused(
        lambda: local_client.create_table(**request),
        "Both the Hash Key and the Range Key element in the KeySchema have the same name",
    )


def test_create_table_refuses_an_invalid_attribute_type(local_client) -> None:
    request = hash_table(
        unique_table_name("conf"), AttributeDefinitions=definitions({"pk": "INVALID"})
    )
    refused(
        lambda: local_client.create_table(**request),
        one_violation(
            "INVALID",
            "attributeDefinitions.1.member.attributeType",
            "Member must satisfy enum value set: [B, N, S]",
        ),
    )


def test_create_table_refuses_throughput_on_demand(local_client) -> None:
    request = hash_table(
        unique_table_name("conf"),
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    refused(lambda: local_client.create_table(**request), NEITHER_UNITS)


def test_create_table_refuses_zero_throughput(raw) -> None:
    body = hash_table(
        unique_table_name("conf"),
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
    )
    rule = "Member must have value greater than or equal to 1"
    raw_refused(
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
    local_client,
) -> None:
    request = hash_table(unique_table_name("conf"), GlobalSecondaryIndexes=[index("gsi", "g")])
    refused(
        lambda: local_client.create_table(**request),
        INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
        "Keys: [g], AttributeDefinitions: [pk]",
    )
    unused = hash_table(
        unique_table_name("conf"),
        AttributeDefinitions=definitions({"pk": "S", "x": "S"}),
        GlobalSecondaryIndexes=[index("gsi", "pk")],
    )
    refused(
        lambda: local_client.create_table(**unused),
        INVALID
        + "Some AttributeDefinitions are not used. AttributeDefinitions: [pk, x], keys used: [pk]",
    )


def test_create_table_takes_a_valid_definition(local_client) -> None:
    name = unique_table_name("conf")
    request = composite(
        name,
        ("l", "N"),
        ("g", "S"),
        LocalSecondaryIndexes=[index("lsi1", "pk", "l", KEYS_ONLY)],
        GlobalSecondaryIndexes=[index("gsi1", "g", "sk")],
    )
    described = local_client.create_table(**request)["TableDescription"]
    assert described["TableName"] == name
    assert [i["IndexName"] for i in described["LocalSecondaryIndexes"]] == ["lsi1"]
    local_client.delete_table(TableName=name)


# -- the same checks refuse through dynamo.send on in-process moto ---------------------------


def test_send_refuses_the_same_on_in_process_moto(moto_engine) -> None:
    name = unique_table_name("conf")
    created = hash_table(
        name,
        AttributeDefinitions=definitions({"pk": "S", "g": "S"}),
        GlobalSecondaryIndexes=[index("gsi", "g")],
    )
    send(moto_engine, Request("CreateTable", created))
    cases = [
        (
            Request("PutItem", {"TableName": "bad table!@#", "Item": {"pk": {"S": "a"}}}),
            "ValidationException",
            one_violation("bad table!@#", "tableName", PATTERN),
        ),
        (
            Request("DescribeTable", {"TableName": "ab"}),
            "ValidationException",
            one_violation("ab", "tableName", "Member must have length greater than or equal to 3"),
        ),
        (
            Request(
                "CreateTable",
                hash_table(
                    unique_table_name("conf"),
                    AttributeDefinitions=definitions({"pk": "S", "l": "S"}),
                    LocalSecondaryIndexes=[index("lsi1", "pk", "l")],
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
                    "AttributeDefinitions": definitions({"g": "S"}),
                    "GlobalSecondaryIndexUpdates": [{"Create": index("gsi", "g")}],
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
            one_violation(
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


def test_a_description_carries_the_table_id_class_and_on_demand_throughput(local_client) -> None:
    name = unique_table_name("conf")
    created = local_client.create_table(
        **hash_table(
            name,
            TableClass="STANDARD_INFREQUENT_ACCESS",
            OnDemandThroughput={"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 5},
        )
    )["TableDescription"]
    table_id = created["TableId"]
    assert len(table_id) == 36  # a UUID
    described = local_client.describe_table(TableName=name)["Table"]
    assert described["TableId"] == table_id
    assert local_client.describe_table(TableName=name)["Table"]["TableId"] == table_id
    assert described["TableClassSummary"] == {"TableClass": "STANDARD_INFREQUENT_ACCESS"}
    assert described["OnDemandThroughput"] == {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 5}
    updated = local_client.update_table(
        TableName=name,
        TableClass="STANDARD",
        OnDemandThroughput={"MaxReadRequestUnits": 20, "MaxWriteRequestUnits": 15},
    )["TableDescription"]
    assert updated["TableId"] == table_id
    described = local_client.describe_table(TableName=name)["Table"]
    assert described["TableClassSummary"]["TableClass"] == "STANDARD"
    assert "LastUpdateDateTime" in described["TableClassSummary"]
    assert described["OnDemandThroughput"] == {
        "MaxReadRequestUnits": 20,
        "MaxWriteRequestUnits": 15,
    }
    assert local_client.delete_table(TableName=name)["TableDescription"]["TableId"] == table_id
    # A table made again under the same name is another table.
    plain = local_client.create_table(**hash_table(name))["TableDescription"]
    assert plain["TableId"] != table_id
    assert "TableClassSummary" not in plain and "OnDemandThroughput" not in plain
    local_client.delete_table(TableName=name)


def test_delete_table_refuses_a_protected_table(local_client) -> None:
    name = unique_table_name("conf")
    local_client.create_table(**hash_table(name, DeletionProtectionEnabled=True))
    refused(lambda: local_client.delete_table(TableName=name), PROTECTED)
    assert local_client.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True
    local_client.update_table(TableName=name, DeletionProtectionEnabled=False)
    local_client.delete_table(TableName=name)
    with pytest.raises(ClientError):
        local_client.describe_table(TableName=name)


def test_create_table_refuses_a_stream_specification_or_class_dynamodb_refuses(
    local_client, raw
) -> None:
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
        refused(
            lambda stream=stream: local_client.create_table(
                **hash_table(name, StreamSpecification=stream)
            ),
            message,
        )
    classes = "Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]"
    raw_refused(
        raw,
        "CreateTable",
        hash_table(name, TableClass="COLD"),
        "ValidationException",
        one_violation("COLD", "tableClass", classes),
    )
    refused(
        lambda: local_client.describe_table(TableName=name),
        f"Requested resource not found: Table: {name} not found",
        "ResourceNotFoundException",
    )
    local_client.create_table(
        **hash_table(name, StreamSpecification={"StreamEnabled": False}, TableClass="STANDARD")
    )
    assert "StreamSpecification" not in local_client.describe_table(TableName=name)["Table"]
    local_client.delete_table(TableName=name)
