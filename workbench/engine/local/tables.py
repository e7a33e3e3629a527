"""Tables as DynamoDB describes and guards them, in the managed server: what moto answers or
keeps otherwise, put right around it (the rules, :mod:`.rules`, call :func:`answer` before moto
and :func:`reshape` after it; what moto does not serve at all is :mod:`.features`').

- A table's description carries its ``TableId`` (an identifier that stays the same for the
  table's life), the ``TableClassSummary`` and ``OnDemandThroughput`` it was created or updated
  with (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html);
  moto keeps neither, so they are kept on moto's table object.
- DeleteTable on a table with deletion protection is refused with DynamoDB's own words
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#ddb-deletion-protection).
- TagResource on a key the table has replaces its value (moto adds a second tag); the tagging
  operations on an ARN that names no table answer ``AccessDeniedException``, as DynamoDB does
  (no policy can allow an action on a resource that does not exist).
- The first answer to a restore, an export or an import says it is in progress, as DynamoDB's
  does (moto may finish before it answers):
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_RestoreTableFromBackup.html.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
import uuid
from collections.abc import Mapping
from typing import Any

from . import backend, features
from .features import Answer, error

PROTECTED = (
    "Resource cannot be deleted as it is currently protected against deletion. Disable deletion "
    "protection first."
)
DENIED = (
    "User: arn:aws:iam::{account}:root is not authorized to perform: dynamodb:{operation} on "
    "resource: {arn} because no resource-based policy allows the dynamodb:{operation} action"
)
_TAGGING = ("TagResource", "UntagResource", "ListTagsOfResource")
_DESCRIBED = {
    "CreateTable": "TableDescription",
    "UpdateTable": "TableDescription",
    "DeleteTable": "TableDescription",
    "DescribeTable": "Table",
    "RestoreTableFromBackup": "TableDescription",
    "RestoreTableToPointInTime": "TableDescription",
}
_STARTED = {
    "ExportTableToPointInTime": "ExportDescription",
    "ImportTable": "ImportTableDescription",
}
_SETTINGS = "workbench_settings"  # the attribute of moto's table that holds them
# Names TableId's from a table's ARN and creation time (any fixed namespace would do).
_TABLE_IDS = uuid.UUID("5f0c5b8e-3c52-4d8e-9a55-0d1f3c9b7a21")


def answer(environ: Mapping[str, Any], operation: str, params: Mapping[str, Any]) -> Answer | None:
    """The answer DynamoDB would give where moto would answer otherwise or not at all, or None
    to let moto answer (also when working it out fails: logged, moto's answer is better than
    none)."""
    try:
        return _answer(environ, operation, params)
    except Exception:
        _log(operation, "the table rules could not answer; moto answers")
        return None


def _answer(environ: Mapping[str, Any], operation: str, params: Mapping[str, Any]) -> Answer | None:
    if operation == "DeleteTable":
        table = backend.table(environ, params.get("TableName"))
        if table is not None and getattr(table, "deletion_protection_enabled", False):
            return error("ValidationException", PROTECTED)
    elif operation in _TAGGING:
        arn = params.get("ResourceArn")
        if isinstance(arn, str) and arn.startswith("arn:") and backend.table(environ, arn) is None:
            account = backend.backend(environ).account_id
            message = DENIED.format(account=account, operation=operation, arn=arn)
            return error("AccessDeniedException", message)
    return features.answer(environ, operation, params)


def rewrite(params: dict[str, Any]) -> dict[str, Any] | None:
    """ExportTableToPointInTime without ``S3Prefix`` (optional, https://docs.aws.amazon.com/
    amazondynamodb/latest/APIReference/API_ExportTableToPointInTime.html): moto requires it."""
    if "S3Prefix" in params:
        return None
    return {**params, "S3Prefix": ""}


def reshape(
    environ: Mapping[str, Any], operation: str, params: Mapping[str, Any], status: str, body: bytes
) -> bytes | None:
    """moto's answer ``body`` as DynamoDB would give it, or None when nothing changes (or when
    working it out fails: logged); keeps what a successful request set that moto does not."""
    try:
        return _reshape(environ, operation, params, status, body)
    except Exception:
        _log(operation, "moto's answer could not be reshaped; it goes as it is")
        return None


def _reshape(
    environ: Mapping[str, Any], operation: str, params: Mapping[str, Any], status: str, body: bytes
) -> bytes | None:
    if not status.startswith("2"):
        return None
    if operation == "TagResource":
        _one_value_per_key(backend.table(environ, params.get("ResourceArn")))
        return None
    if operation in _STARTED:
        return _started(json.loads(body), _STARTED[operation])
    member = _DESCRIBED.get(operation)
    if member is None:
        return None
    answer = json.loads(body)
    description = answer.get(member)
    if not isinstance(description, dict):
        return None
    table = backend.table(environ, description.get("TableName"))
    if table is not None and operation in ("CreateTable", "UpdateTable"):
        _keep_settings(table, params)
    _describe(description, table)
    if operation.startswith("Restore") and isinstance(description.get("RestoreSummary"), dict):
        description["TableStatus"] = "CREATING"
        description["RestoreSummary"]["RestoreInProgress"] = True
    return json.dumps(answer).encode()


def _keep_settings(table: Any, params: Mapping[str, Any]) -> None:
    """Keep the table class and on-demand throughput a CreateTable or UpdateTable set."""
    settings = table.__dict__.setdefault(_SETTINGS, {})
    if isinstance(params.get("TableClass"), str):
        summary = {"TableClass": params["TableClass"]}
        if "TableClassSummary" in settings:  # changed: DynamoDB says when
            summary["LastUpdateDateTime"] = time.time()
        settings["TableClassSummary"] = summary
    units = params.get("OnDemandThroughput")
    if isinstance(units, Mapping):
        kept = settings.setdefault("OnDemandThroughput", {})
        kept.update({k: v for k, v in units.items() if k.startswith("Max")})


def _describe(description: dict[str, Any], table: Any) -> None:
    """Add to a table's description what DynamoDB's carries and moto's does not."""
    arn, created = description.get("TableArn"), description.get("CreationDateTime")
    if isinstance(arn, str):
        description["TableId"] = str(uuid.uuid5(_TABLE_IDS, f"{arn}@{created}"))
    settings = table.__dict__.get(_SETTINGS, {}) if table is not None else {}
    for member in ("TableClassSummary", "OnDemandThroughput"):
        if member in settings:
            description[member] = dict(settings[member])


def _one_value_per_key(table: Any) -> None:
    """A table's tags with one value per key, the last one set (moto appends a tag again)."""
    if table is None or not isinstance(getattr(table, "tags", None), list):
        return
    latest = {tag.get("Key"): tag for tag in table.tags if isinstance(tag, dict)}
    table.tags = list(latest.values())


def _started(answer: dict[str, Any], member: str) -> bytes | None:
    """The first answer to an export or import: in progress, whatever moto's thread did."""
    description = answer.get(member)
    if not isinstance(description, dict):
        return None
    status = "ExportStatus" if "ExportStatus" in description else "ImportStatus"
    description[status] = "IN_PROGRESS"
    for name in ("FailureCode", "FailureMessage", "EndTime"):
        description.pop(name, None)
    if description.get("S3Prefix") == "":  # none was given (see rewrite)
        del description["S3Prefix"]
    return json.dumps(answer).encode()


def _log(operation: str, what: str) -> None:
    print(f"{operation}: {what}", file=sys.stderr, flush=True)
    traceback.print_exc(file=sys.stderr)
