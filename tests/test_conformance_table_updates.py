"""UpdateTable, time to live, tags, restores, exports and imports, and what moto does not
serve, as DynamoDB answers them, for every client (issue 18).

Requests and checks as in test_conformance_table_names.py (fixtures in conftest.py).
"""

from __future__ import annotations

import time

import pytest
from helpers import (
    INVALID,
    NEITHER_UNITS,
    definitions,
    hash_table,
    index,
    one_violation,
    raw_refused,
    refused,
    unique_table_name,
)

pytestmark = pytest.mark.server

REQUIRED = "The parameter 'TableName' is required but was not present in the request"


# -- UpdateTable: a 500, or accepted, before ----------------------------------------------


def test_update_table_refuses_creating_an_index_that_exists(
    local_client, provisioned_table: str
) -> None:
    refused(
        lambda: local_client.update_table(
            TableName=provisioned_table,
            AttributeDefinitions=definitions({"g": "S"}),
            GlobalSecondaryIndexUpdates=[
                {
                    "Create": {
                        **index("gsi", "g"),
                        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                    }
                }
            ],
        ),
        "Attempting to create an index which already exists",
    )


def test_update_table_refuses_deleting_an_index_that_does_not_exist(
    local_client, provisioned_table: str
) -> None:
    refused(
        lambda: local_client.update_table(
            TableName=provisioned_table,
            GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "nope"}}],
        ),
        f"Requested resource not found: Index nope for table {provisioned_table}",
        "ResourceNotFoundException",
    )


def test_update_table_refuses_new_index_keys_missing_from_its_definitions(
    local_client, provisioned_table: str
) -> None:
    create = {
        **index("gsi2", "pk", "g3"),
        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    }
    refused(
        lambda: local_client.update_table(
            TableName=provisioned_table,
            AttributeDefinitions=definitions({"g3": "S"}),
            GlobalSecondaryIndexUpdates=[{"Create": create}],
        ),
        INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
        "Keys: [pk, g3], AttributeDefinitions: [g3]",
    )


def test_update_table_refuses_throughput_on_demand_zero_and_unchanged(
    local_client, raw, provisioned_table: str
) -> None:
    refused(
        lambda: local_client.update_table(
            TableName=provisioned_table,
            BillingMode="PAY_PER_REQUEST",
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        ),
        NEITHER_UNITS,
    )
    raw_refused(
        raw,
        "UpdateTable",
        {
            "TableName": provisioned_table,
            "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 5},
        },
        "ValidationException",
        one_violation(
            0,
            "provisionedThroughput.readCapacityUnits",
            "Member must have value greater than or equal to 1",
        ),
    )
    refused(
        lambda: local_client.update_table(
            TableName=provisioned_table,
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        ),
        "The provisioned throughput for the table will not change. The requested value equals the "
        "current value. Current ReadCapacityUnits provisioned for the table: 5. Requested "
        "ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 5. "
        "Requested WriteCapacityUnits: 5. Refer to the Amazon DynamoDB Developer Guide for "
        "current limits and how to request higher limits.",
    )
    refused(
        lambda: local_client.update_table(TableName=provisioned_table),
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
        "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, "
        "OnDemandThroughput, WarmThroughput or TableClass is required",
    )


def test_update_table_takes_valid_changes(local_client, provisioned_table: str) -> None:
    local_client.update_table(
        TableName=provisioned_table,
        ProvisionedThroughput={"ReadCapacityUnits": 6, "WriteCapacityUnits": 7},
    )
    units = local_client.describe_table(TableName=provisioned_table)["Table"][
        "ProvisionedThroughput"
    ]
    assert (units["ReadCapacityUnits"], units["WriteCapacityUnits"]) == (6, 7)
    local_client.update_table(
        TableName=provisioned_table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "gsi"}}]
    )
    assert not local_client.describe_table(TableName=provisioned_table)["Table"].get(
        "GlobalSecondaryIndexes"
    )
    local_client.update_table(
        TableName=provisioned_table,
        AttributeDefinitions=definitions({"g": "S"}),
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    **index("gsi", "g"),
                    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                }
            }
        ],
    )
    indexes = local_client.describe_table(TableName=provisioned_table)["Table"][
        "GlobalSecondaryIndexes"
    ]
    assert [i["IndexName"] for i in indexes] == ["gsi"]


# -- time to live, tags ----------------------------------------------------------------------


def test_update_time_to_live_refuses_an_empty_attribute_name(
    local_client, raw, provisioned_table: str
) -> None:
    # botocore refuses to send it: a raw request, as another SDK could send.
    body = {
        "TableName": provisioned_table,
        "TimeToLiveSpecification": {"Enabled": True, "AttributeName": ""},
    }
    rule = "Member must have length greater than or equal to 1"
    raw_refused(
        raw,
        "UpdateTimeToLive",
        body,
        "ValidationException",
        one_violation("", "timeToLiveSpecification.attributeName", rule),
    )
    ttl = local_client.describe_time_to_live(TableName=provisioned_table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "DISABLED"


def test_time_to_live_of_a_missing_table_is_not_found(local_client) -> None:
    missing = unique_table_name("missing")
    message = f"Requested resource not found: Table: {missing} not found"
    refused(
        lambda: local_client.update_time_to_live(
            TableName=missing, TimeToLiveSpecification={"Enabled": True, "AttributeName": "t"}
        ),
        message,
        "ResourceNotFoundException",
    )
    refused(
        lambda: local_client.describe_time_to_live(TableName=missing),
        message,
        "ResourceNotFoundException",
    )


def test_time_to_live_of_a_table(local_client, provisioned_table: str) -> None:
    answer = local_client.update_time_to_live(
        TableName=provisioned_table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "t"}
    )
    assert answer["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "t"}
    assert (
        local_client.describe_time_to_live(TableName=provisioned_table)["TimeToLiveDescription"][
            "AttributeName"
        ]
        == "t"
    )


def test_tag_resource_refuses_a_malformed_arn_and_tags_a_table(
    local_client, provisioned_table: str
) -> None:
    refused(
        lambda: local_client.tag_resource(
            ResourceArn="not-a-valid-arn", Tags=[{"Key": "env", "Value": "test"}]
        ),
        INVALID + "ARNs must start with 'arn:': not-a-valid-arn",
    )
    refused(
        lambda: local_client.list_tags_of_resource(ResourceArn=provisioned_table),
        INVALID + f"ARNs must start with 'arn:': {provisioned_table}",
    )
    arn = local_client.describe_table(TableName=provisioned_table)["Table"]["TableArn"]
    local_client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}])
    assert local_client.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "test"}
    ]


def test_update_table_refuses_an_index_update_with_no_action_or_two(
    raw, provisioned_table: str
) -> None:
    raw_refused(
        raw,
        "UpdateTable",
        {"TableName": provisioned_table, "GlobalSecondaryIndexUpdates": [{}]},
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
    raw_refused(
        raw,
        "UpdateTable",
        {"TableName": provisioned_table, "GlobalSecondaryIndexUpdates": [both]},
        "ValidationException",
        INVALID
        + "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object",
    )


def test_update_table_refuses_a_new_index_without_attribute_definitions(
    local_client, provisioned_table
) -> None:
    refused(
        lambda: local_client.update_table(
            TableName=provisioned_table,
            GlobalSecondaryIndexUpdates=[{"Create": index("gsiBadAttr", "unknownAttr")}],
        ),
        INVALID + "AttributeDefinitions is not specified for index: gsiBadAttr",
    )
    indexes = local_client.describe_table(TableName=provisioned_table)["Table"][
        "GlobalSecondaryIndexes"
    ]
    assert [i["IndexName"] for i in indexes] == ["gsi"]


# -- tags, restores, exports and imports ----------------------------------------------------


def test_tags_take_a_new_value_and_an_unknown_arn_is_denied(
    local_client, provisioned_table
) -> None:
    arn = local_client.describe_table(TableName=provisioned_table)["Table"]["TableArn"]
    local_client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "staging"}])
    local_client.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "env", "Value": "production"}, {"Key": "team", "Value": "a"}]
    )
    tags = local_client.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "production"), ("team", "a")]
    account = arn.split(":")[4]
    unknown = arn.rsplit("/", 1)[0] + "/" + unique_table_name("missing")
    for operation, call in (
        ("ListTagsOfResource", lambda: local_client.list_tags_of_resource(ResourceArn=unknown)),
        ("TagResource", lambda: local_client.tag_resource(ResourceArn=unknown, Tags=tags)),
        (
            "UntagResource",
            lambda: local_client.untag_resource(ResourceArn=unknown, TagKeys=["env"]),
        ),
    ):
        refused(
            call,
            f"User: arn:aws:iam::{account}:root is not authorized to perform: dynamodb:"
            f"{operation} on resource: {unknown} because no resource-based policy allows the "
            f"dynamodb:{operation} action",
            "AccessDeniedException",
        )


def test_a_restore_answers_in_progress(local_client, provisioned_table) -> None:
    backup = local_client.create_backup(TableName=provisioned_table, BackupName="conf")[
        "BackupDetails"
    ]["BackupArn"]
    target = unique_table_name("restored")
    restored = local_client.restore_table_from_backup(TargetTableName=target, BackupArn=backup)
    summary = restored["TableDescription"]["RestoreSummary"]
    assert (summary["SourceBackupArn"], summary["RestoreInProgress"]) == (backup, True)
    assert restored["TableDescription"]["TableStatus"] == "CREATING"
    assert local_client.describe_table(TableName=target)["Table"]["TableStatus"] == "ACTIVE"
    local_client.delete_table(TableName=target)


def test_an_export_and_an_import_start_in_progress(local_client, local_engine) -> None:
    s3 = local_engine.client("s3")
    bucket = unique_table_name("bucket").lower().replace("_", "-")
    s3.create_bucket(Bucket=bucket)
    source = unique_table_name("export")
    arn = local_client.create_table(**hash_table(source))["TableDescription"]["TableArn"]
    local_client.put_item(TableName=source, Item={"pk": {"S": "a"}})
    local_client.update_continuous_backups(
        TableName=source,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    export = local_client.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket)
    export = export["ExportDescription"]
    assert export["ExportStatus"] == "IN_PROGRESS" and "S3Prefix" not in export
    listed = local_client.list_exports(TableArn=arn)["ExportSummaries"]
    assert export["ExportArn"] in [e["ExportArn"] for e in listed]

    s3.put_object(Bucket=bucket, Key="imp/data.json", Body=b'{"Item":{"pk":{"S":"one"}}}\n')
    target = unique_table_name("import")
    started = local_client.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "imp/"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters=hash_table(target),
    )["ImportTableDescription"]
    assert started["ImportStatus"] == "IN_PROGRESS"
    imports = local_client.list_imports()["ImportSummaryList"]
    assert started["ImportArn"] in [i["ImportArn"] for i in imports]
    for _ in range(100):
        done = local_client.describe_import(ImportArn=started["ImportArn"])[
            "ImportTableDescription"
        ]
        if done["ImportStatus"] != "IN_PROGRESS":
            break
        time.sleep(0.05)
    assert done["ImportStatus"] == "COMPLETED"
    assert local_client.get_item(TableName=target, Key={"pk": {"S": "one"}})["Item"]
    local_client.delete_table(TableName=target)
    local_client.delete_table(TableName=source)


# -- what moto does not serve: answered as DynamoDB does, never a 500 -----------------------


def test_contributor_insights_are_disabled_until_enabled(local_client, provisioned_table) -> None:
    answer = local_client.describe_contributor_insights(TableName=provisioned_table)
    assert (answer["TableName"], answer["ContributorInsightsStatus"]) == (
        provisioned_table,
        "DISABLED",
    )
    changed = local_client.update_contributor_insights(
        TableName=provisioned_table, ContributorInsightsAction="ENABLE"
    )
    assert changed["ContributorInsightsStatus"] == "ENABLING"
    assert local_client.describe_contributor_insights(TableName=provisioned_table)[
        "ContributorInsightsStatus"
    ] == ("ENABLED")
    listed = local_client.list_contributor_insights(TableName=provisioned_table)[
        "ContributorInsightsSummaries"
    ]
    assert listed == [{"TableName": provisioned_table, "ContributorInsightsStatus": "ENABLED"}]
    missing = unique_table_name("missing")
    refused(
        lambda: local_client.describe_contributor_insights(TableName=missing),
        f"Requested resource not found: Table: {missing} not found",
        "ResourceNotFoundException",
    )


def test_kinesis_destinations_are_none_until_enabled(local_client, provisioned_table) -> None:
    answer = local_client.describe_kinesis_streaming_destination(TableName=provisioned_table)
    assert answer == {**answer, "TableName": provisioned_table, "KinesisDataStreamDestinations": []}
    stream = "arn:aws:kinesis:us-east-1:123456789012:stream/conf"
    enabled = local_client.enable_kinesis_streaming_destination(
        TableName=provisioned_table, StreamArn=stream
    )
    assert (enabled["StreamArn"], enabled["DestinationStatus"]) == (stream, "ENABLING")
    found = local_client.describe_kinesis_streaming_destination(TableName=provisioned_table)
    assert [
        (d["StreamArn"], d["DestinationStatus"]) for d in found["KinesisDataStreamDestinations"]
    ] == [(stream, "ACTIVE")]
    local_client.disable_kinesis_streaming_destination(
        TableName=provisioned_table, StreamArn=stream
    )
    found = local_client.describe_kinesis_streaming_destination(TableName=provisioned_table)
    assert found["KinesisDataStreamDestinations"][0]["DestinationStatus"] == "DISABLED"


def test_an_operation_moto_lacks_is_an_unknown_operation_not_a_500(raw) -> None:
    status, answer = raw("DescribeGlobalTable", {"GlobalTableName": "conf"})
    assert status == 400, answer
    assert answer["__type"].endswith("#UnknownOperationException")
    assert "DescribeGlobalTable" in answer["message"]
