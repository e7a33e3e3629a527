"""A table's changes as DynamoDB checks them: UpdateTable (its throughput, billing mode and
global secondary indexes) and UpdateTimeToLive's specification.

As for CreateTable (:mod:`.definitions`, whose shape and key rules these share), the shape
first, then the meaning, with DynamoDB's messages as recorded by conformance suites calibrated
against it (Ketlark/ and paritysuite/dynamodb-conformance, ack-api-quirks' DynamoDB catalogue):
creating an index the table has is "Attempting to create an index which already exists", which
DynamoDB checks before the new index's definitions; deleting or updating one it has not is a
``ResourceNotFoundException``. The rules: https://docs.aws.amazon.com/amazondynamodb/latest/
APIReference/API_UpdateTable.html and API_UpdateTimeToLive.html.

An UpdateTable that would change nothing (the throughput it asks is the table's) needs the
table as it is: the managed server checks it (:mod:`workbench.engine.local.rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ... import constants as C
from ..requests import Request
from .constraints import (
    INVALID,
    NOT_NULL,
    max_length,
    min_length,
    refuse,
    refuse_violations,
    refuse_wrong_types,
    violation,
)
from .definitions import (
    DEFINITION_SPEC,
    EMPTY_INDEXES,
    INDEX_SPEC,
    NEITHER_UNITS,
    UNITS_SPEC,
    billing_shape,
    check_index_keys,
    check_projection,
    definitions_shape,
    index_name_shape,
    index_shape,
    key_names,
    objects,
    projection_shape,
    throughput_shape,
    well_formed,
)
from .schema import KeySchema

MAX_TTL_ATTRIBUTE = 255

INDEX_EXISTS = "Attempting to create an index which already exists"
NO_SUCH_INDEX = "Requested resource not found: Index {index} for table {table}"
NOT_GLOBAL = "Cannot {verb} an index that is not a GlobalSecondaryIndex: {index}"
NO_ACTION = (
    INVALID + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
    "GlobalSecondaryIndexUpdate.Delete must not be null"
)
TWO_ACTIONS = (
    INVALID + "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate "
    "object"
)
NO_DEFINITIONS_FOR = INVALID + "AttributeDefinitions is not specified for index: {index}"
NOTHING_TO_UPDATE = (
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
    "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
    "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, "
    "OnDemandThroughput, WarmThroughput or TableClass is required"
)
_UPDATE_SPEC = {
    C.ATTRIBUTE_DEFINITIONS: [DEFINITION_SPEC],
    C.BILLING_MODE: "string",
    C.PROVISIONED_THROUGHPUT: UNITS_SPEC,
    "GlobalSecondaryIndexUpdates": [
        {
            "Create": INDEX_SPEC,
            "Update": {C.INDEX_NAME: "string", C.PROVISIONED_THROUGHPUT: UNITS_SPEC},
            "Delete": {C.INDEX_NAME: "string"},
        }
    ],
}
_TIME_TO_LIVE_SPEC = {"TimeToLiveSpecification": {C.ATTRIBUTE_NAME: "string"}}
# UpdateTable's members that change something (any one will do).
_UPDATES = (
    C.PROVISIONED_THROUGHPUT,
    C.BILLING_MODE,
    C.STREAM_SPECIFICATION,
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "ReplicaUpdates",
    "MultiRegionConsistency",
    "DeletionProtectionEnabled",
    "OnDemandThroughput",
    "WarmThroughput",
    "TableClass",
    "GlobalTableWitnessUpdates",
)


def _check_update_table(
    request: Request, schemas: Mapping[str, KeySchema], _tokens: Any = None
) -> None:
    """UpdateTable: refuse what DynamoDB refuses; a GSI created twice, or deleted or updated
    though it does not exist, when the table's :class:`KeySchema` is known."""
    refuse_wrong_types(request, _UPDATE_SPEC)
    params = request.params
    table = params.get(C.TABLE_NAME)
    updates = params.get("GlobalSecondaryIndexUpdates")
    found = []
    if C.ATTRIBUTE_DEFINITIONS in params:
        found += definitions_shape(params[C.ATTRIBUTE_DEFINITIONS])
    found += billing_shape(params)
    for number, update in enumerate(objects(updates), start=1):
        field = f"globalSecondaryIndexUpdates.{number}.member"
        if isinstance(update.get("Create"), Mapping):
            create, where = update["Create"], f"{field}.create"
            found += index_shape(create, where) + projection_shape(create, where)
        if isinstance(update.get("Update"), Mapping):
            change = update["Update"]
            found += index_name_shape(change.get(C.INDEX_NAME), f"{field}.update.indexName")
            found += throughput_shape(
                change.get(C.PROVISIONED_THROUGHPUT), f"{field}.update.provisionedThroughput"
            )
        if isinstance(update.get("Delete"), Mapping):
            found += index_name_shape(
                update["Delete"].get(C.INDEX_NAME), f"{field}.delete.indexName"
            )
    found += throughput_shape(params.get(C.PROVISIONED_THROUGHPUT), "provisionedThroughput")
    refuse_violations(request, table, found)
    if not any(params.get(member) is not None for member in _UPDATES):
        refuse(request, table, NOTHING_TO_UPDATE)
    if updates == []:
        refuse(request, table, EMPTY_INDEXES.format(member="GlobalSecondaryIndexUpdates"))
    schema = schemas.get(table) if isinstance(table, str) else None
    creates = _check_index_updates(request, table, objects(updates), schema)
    if params.get(C.BILLING_MODE) == C.PAY_PER_REQUEST and C.PROVISIONED_THROUGHPUT in params:
        refuse(request, table, NEITHER_UNITS)
    if creates and C.ATTRIBUTE_DEFINITIONS not in params:
        # A new index's keys must be defined in this request, even the table's own
        # ("AttributeDefinitions ... must include the key element(s) of the new index").
        refuse(request, table, NO_DEFINITIONS_FOR.format(index=creates[0].get(C.INDEX_NAME)))
    if creates and not well_formed(params, (C.ATTRIBUTE_DEFINITIONS,)):
        return
    for create in creates:
        defined = key_names(params[C.ATTRIBUTE_DEFINITIONS])
        check_index_keys(request, table, create[C.KEY_SCHEMA], defined)
        check_projection(request, table, create[C.PROJECTION])


def _check_index_updates(
    request: Request, table: Any, updates: list[Any], schema: KeySchema | None
) -> list[Mapping[str, Any]]:
    """Refuse creating an index the table has, or changing one it has not; return the
    indexes to create."""
    creates = []
    for update in updates:
        actions = [verb for verb in ("Create", "Update", "Delete") if update.get(verb) is not None]
        if not actions:
            refuse(request, table, NO_ACTION)
        if len(actions) > 1:
            refuse(request, table, TWO_ACTIONS)
        if isinstance(update.get("Create"), Mapping):
            create = update["Create"]
            if schema is not None and create.get(C.INDEX_NAME) in schema.indexes:
                refuse(request, table, INDEX_EXISTS)
            creates.append(create)
        for verb in ("Update", "Delete"):
            change = update.get(verb)
            name = change.get(C.INDEX_NAME) if isinstance(change, Mapping) else None
            if schema is None or name is None:
                continue
            if name in schema.local:
                refuse(request, table, NOT_GLOBAL.format(verb=verb.lower(), index=name))
            if name not in schema.indexes:
                missing = NO_SUCH_INDEX.format(index=name, table=table)
                refuse(request, table, missing, C.RESOURCE_NOT_FOUND)
    return creates


def _check_time_to_live(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """UpdateTimeToLive: the specification names an attribute (1 to 255 characters) and says
    whether TTL is enabled (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/
    API_TimeToLiveSpecification.html)."""
    refuse_wrong_types(request, _TIME_TO_LIVE_SPEC)
    spec = request.params.get("TimeToLiveSpecification")
    field = "timeToLiveSpecification"
    found = []
    if spec is None:
        found.append(violation(None, field, NOT_NULL))
    elif isinstance(spec, Mapping):
        name = spec.get(C.ATTRIBUTE_NAME)
        if name is None:
            found.append(violation(None, f"{field}.attributeName", NOT_NULL))
        elif isinstance(name, str) and not name:
            found.append(violation(name, f"{field}.attributeName", min_length(1)))
        elif isinstance(name, str) and len(name) > MAX_TTL_ATTRIBUTE:
            found.append(violation(name, f"{field}.attributeName", max_length(MAX_TTL_ATTRIBUTE)))
        if spec.get("Enabled") is None:
            found.append(violation(None, f"{field}.enabled", NOT_NULL))
    refuse_violations(request, request.params.get(C.TABLE_NAME), found)


CHECKS = {
    "UpdateTable": (_check_update_table,),
    "UpdateTimeToLive": (_check_time_to_live,),
}
