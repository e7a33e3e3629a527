"""DynamoDB's managed features moto does not serve, answered in the managed server as DynamoDB
answers them, so no client meets an HTTP 500 for them.

- Contributor Insights: a table (or index) reports ``DISABLED`` until it is enabled;
  ``UpdateContributorInsights`` answers ``ENABLING``/``DISABLING`` and the change then holds
  (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeContributorInsights.html,
  API_UpdateContributorInsights.html, API_ListContributorInsights.html). No CloudWatch rule is
  made: there is nothing to measure here.
- Kinesis streaming destinations: none until one is enabled; enabling answers ``ENABLING``,
  then the destination is ``ACTIVE``; disabling answers ``DISABLING``, then ``DISABLED``
  (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_EnableKinesisStreamingDestination.html,
  API_DescribeKinesisStreamingDestination.html). No record is sent to the stream.
- ListImports: moto's imports (moto runs ImportTable but cannot list them),
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListImports.html.
- Any other operation moto has no handler for: ``UnknownOperationException`` (HTTP 400, as
  DynamoDB answers a target it does not know) naming it, rather than a crash.

What is enabled is kept on moto's table object, so it goes with the table when it is deleted.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from . import backend

Answer = tuple[str, list[tuple[str, str]], bytes]
ERROR_TYPE = "com.amazonaws.dynamodb.v20120810#"
UNKNOWN_TYPE = "com.amazon.coral.service#UnknownOperationException"
TABLE_NOT_FOUND = "Requested resource not found: Table: {table} not found"
INDEX_NOT_FOUND = "Requested resource not found: Index: {index} for table: {table} not found"
NOT_SERVED = "The local server does not implement the DynamoDB operation {operation}"
_OPERATION = re.compile(r"[A-Z][A-Za-z]+")  # an API operation's name
_STATE = "workbench_features"  # the attribute of moto's table that holds what is enabled


def reply(payload: Mapping[str, Any], status: str = "200 OK") -> Answer:
    """An answer with a JSON body, as moto's would be."""
    body = json.dumps(payload).encode()
    headers = [("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(body)))]
    return status, headers, body


def error(code: str, message: str) -> Answer:
    """DynamoDB's HTTP 400 error answer."""
    return reply({"__type": ERROR_TYPE + code, "message": message}, "400 Bad Request")


def _state(table: Any) -> dict[str, Any]:
    return table.__dict__.setdefault(_STATE, {"insights": {}, "kinesis": {}})


def _table(environ: Mapping[str, Any], params: Mapping[str, Any]) -> tuple[Any, Answer | None]:
    """moto's table the request names, or the ``ResourceNotFoundException`` to answer."""
    name = params.get("TableName")
    found = backend.table(environ, name)
    if found is None:
        return None, error("ResourceNotFoundException", TABLE_NOT_FOUND.format(table=name))
    return found, None


# -- Contributor Insights ------------------------------------------------------------------


def _insights_target(
    environ: Mapping[str, Any], params: Mapping[str, Any]
) -> tuple[Any, str | None, Answer | None]:
    table, missing = _table(environ, params)
    index = params.get("IndexName")
    if missing is None and index is not None:
        names = {i.name for i in (table.global_indexes or []) + (table.indexes or [])}
        if index not in names:
            message = INDEX_NOT_FOUND.format(index=index, table=params.get("TableName"))
            missing = error("ResourceNotFoundException", message)
    return table, index, missing


def _named(table: Any, index: str | None, **more: Any) -> dict[str, Any]:
    return {"TableName": table.name, **({"IndexName": index} if index else {}), **more}


def describe_insights(environ: Mapping[str, Any], params: Mapping[str, Any]) -> Answer:
    table, index, missing = _insights_target(environ, params)
    if missing is not None:
        return missing
    status, changed = _state(table)["insights"].get(index or "", ("DISABLED", None))
    more = {"LastUpdateDateTime": changed} if changed is not None else {}
    return reply(_named(table, index, ContributorInsightsStatus=status, **more))


def update_insights(environ: Mapping[str, Any], params: Mapping[str, Any]) -> Answer:
    table, index, missing = _insights_target(environ, params)
    if missing is not None:
        return missing
    enable = params.get("ContributorInsightsAction") == "ENABLE"
    _state(table)["insights"][index or ""] = ("ENABLED" if enable else "DISABLED", time.time())
    # The change takes a moment on DynamoDB: its answer says it is under way.
    return reply(
        _named(table, index, ContributorInsightsStatus="ENABLING" if enable else "DISABLING")
    )


def list_insights(environ: Mapping[str, Any], params: Mapping[str, Any]) -> Answer:
    only = params.get("TableName")
    summaries = [
        _named(table, index or None, ContributorInsightsStatus=status)
        for table in list(backend.backend(environ).tables.values())
        if only is None or table.name == only
        for index, (status, _) in sorted(_state(table)["insights"].items())
    ]
    limit = params.get("MaxResults")
    if isinstance(limit, int) and limit > 0:
        summaries = summaries[:limit]
    return reply({"ContributorInsightsSummaries": summaries})


# -- Kinesis streaming destinations --------------------------------------------------------


def _destination(table: Any, params: Mapping[str, Any], status: str) -> Answer:
    stream = params.get("StreamArn")
    config = params.get("EnableKinesisStreamingConfiguration") or {}
    precision = config.get("ApproximateCreationDateTimePrecision", "MILLISECOND")
    _state(table)["kinesis"][stream] = {
        "StreamArn": stream,
        "DestinationStatus": "ACTIVE" if status == "ENABLING" else "DISABLED",
        "ApproximateCreationDateTimePrecision": precision,
    }
    config = {"ApproximateCreationDateTimePrecision": precision}
    return reply(
        {
            "TableName": table.name,
            "StreamArn": stream,
            "DestinationStatus": status,
            "EnableKinesisStreamingConfiguration": config,
        }
    )


def enable_kinesis(environ: Mapping[str, Any], params: Mapping[str, Any]) -> Answer:
    table, missing = _table(environ, params)
    return missing or _destination(table, params, "ENABLING")


def disable_kinesis(environ: Mapping[str, Any], params: Mapping[str, Any]) -> Answer:
    table, missing = _table(environ, params)
    return missing or _destination(table, params, "DISABLING")


def update_kinesis(environ: Mapping[str, Any], params: Mapping[str, Any]) -> Answer:
    table, missing = _table(environ, params)
    if missing is not None:
        return missing
    stream = params.get("StreamArn")
    found = _state(table)["kinesis"].get(stream)
    if found is None:
        return error("ResourceNotFoundException", f"Requested resource not found: {stream}")
    config = params.get("UpdateKinesisStreamingConfiguration") or {}
    if config.get("ApproximateCreationDateTimePrecision"):
        found["ApproximateCreationDateTimePrecision"] = config[
            "ApproximateCreationDateTimePrecision"
        ]
    answer = {"TableName": table.name, "StreamArn": stream, "DestinationStatus": "UPDATING"}
    return reply({**answer, "UpdateKinesisStreamingConfiguration": config})


def describe_kinesis(environ: Mapping[str, Any], params: Mapping[str, Any]) -> Answer:
    table, missing = _table(environ, params)
    if missing is not None:
        return missing
    destinations = list(_state(table)["kinesis"].values())
    return reply({"TableName": table.name, "KinesisDataStreamDestinations": destinations})


# -- imports -------------------------------------------------------------------------------


def list_imports(environ: Mapping[str, Any], params: Mapping[str, Any]) -> Answer:
    only = params.get("TableArn")
    summaries = []
    for found in list(backend.backend(environ).table_imports.values()):
        if only is not None and found.table_arn != only:
            continue
        summaries.append(
            {
                "ImportArn": found.arn,
                "ImportStatus": found.status,
                "TableArn": found.table_arn,
                "S3BucketSource": found.s3_source,
                "InputFormat": "DYNAMODB_JSON",
            }
        )
    size = params.get("PageSize")
    if isinstance(size, int) and size > 0:
        summaries = summaries[:size]
    return reply({"ImportSummaryList": summaries})


# -- operations moto lacks ------------------------------------------------------------------

_ANSWERS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], Answer]] = {
    "DescribeContributorInsights": describe_insights,
    "UpdateContributorInsights": update_insights,
    "ListContributorInsights": list_insights,
    "DescribeKinesisStreamingDestination": describe_kinesis,
    "EnableKinesisStreamingDestination": enable_kinesis,
    "DisableKinesisStreamingDestination": disable_kinesis,
    "UpdateKinesisStreamingDestination": update_kinesis,
    "ListImports": list_imports,
}


def _served_by_moto(operation: str) -> bool:
    from moto.dynamodb.responses import DynamoHandler

    name = re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
    return callable(getattr(DynamoHandler, name, None))


def answer(environ: Mapping[str, Any], operation: str, params: Mapping[str, Any]) -> Answer | None:
    """The answer to an operation moto does not serve, or None to let moto answer."""
    found = _ANSWERS.get(operation)
    if found is not None:
        return found(environ, params)
    if not _OPERATION.fullmatch(operation) or _served_by_moto(operation):
        return None
    body = {"__type": UNKNOWN_TYPE, "message": NOT_SERVED.format(operation=operation)}
    return reply(body, "400 Bad Request")
