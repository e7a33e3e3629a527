"""A table's definition as DynamoDB checks it: CreateTable's keys, attribute definitions,
indexes, billing mode and throughput (UpdateTable's changes are :mod:`.table_updates`').

Two steps, as DynamoDB takes them: first the request's shape (each member's type, length and
range from the API's model, all broken constraints in one message, see :mod:`.constraints`),
then its meaning, one refusal at a time in the order DynamoDB checks (mhart/dynalite's
``validations/createTable.js``, written against DynamoDB, gives the order; the messages are
DynamoDB's current ones, as recorded by conformance suites calibrated against it:
Ketlark/dynamodb-conformance, paritysuite/dynamodb-conformance, and ack-api-quirks' DynamoDB
message catalogue). The rules: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/
API_CreateTable.html, and the limits of https://docs.aws.amazon.com/amazondynamodb/latest/
developerguide/ServiceQuotas.html (5 local and 20 global secondary indexes per table).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ... import constants as C
from ..requests import Request
from .constraints import (
    INVALID,
    NAME,
    NOT_NULL,
    PATTERN,
    is_int,
    max_length,
    min_length,
    min_value,
    one_of,
    refuse,
    refuse_violations,
    refuse_wrong_types,
    violation,
)

ATTRIBUTE_TYPES = ("B", "N", "S")
KEY_TYPES = ("HASH", "RANGE")
BILLING_MODES = ("PROVISIONED", "PAY_PER_REQUEST")
PROJECTION_TYPES = ("ALL", "KEYS_ONLY", "INCLUDE")
MAX_LOCAL_INDEXES, MAX_GLOBAL_INDEXES = 5, 20
MIN_INDEX_NAME, MAX_INDEX_NAME = 3, 255

NEITHER_UNITS = (
    INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode "
    "is PAY_PER_REQUEST"
)
NO_DEFINITION = "Invalid KeySchema: Some index key attribute have no definition"
NOT_DEFINED = (
    INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
    "Keys: [{keys}], AttributeDefinitions: [{definitions}]"
)
SAME_NAME = "Both the Hash Key and the Range Key element in the KeySchema have the same name"
FIRST_NOT_HASH = "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
SECOND_NOT_RANGE = "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
COUNT_MISMATCH = (
    INVALID + "Number of attributes in KeySchema does not exactly match number of attributes "
    "defined in AttributeDefinitions"
)
EMPTY_INDEXES = INVALID + "List of {member} is empty"
LSI_NEEDS_RANGE = (
    INVALID + "Table KeySchema does not have a range key, which is required when specifying a "
    "LocalSecondaryIndex"
)
LSI_WITHOUT_RANGE = INVALID + "Index KeySchema does not have a range key for index: {index}"
LSI_OTHER_HASH = (
    INVALID + "Index KeySchema does not have the same leading hash key as table KeySchema for "
    "index: {index}. index hash key: {index_hash}, table hash key: {table_hash}"
)
UNKNOWN_PROJECTION = INVALID + "Unknown ProjectionType: null"
NON_KEY_NOT_ALLOWED = INVALID + "ProjectionType is {kind}, but NonKeyAttributes is specified"
NON_KEY_MISSING = INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"
DUPLICATE_INDEX = INVALID + "Duplicate index name: {index}"
TOO_MANY_LOCAL = (
    INVALID + f"Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LOCAL_INDEXES}"
)
TOO_MANY_GLOBAL = (
    INVALID + f"GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GLOBAL_INDEXES}"
)
_PROJECTION_ENUM = ("ALL", "INCLUDE", "KEYS_ONLY")  # as DynamoDB lists them

# The JSON types of CreateTable's members (see constraints.type_mismatch), shared with UpdateTable.
KEY_SPEC = {C.ATTRIBUTE_NAME: "string", C.KEY_TYPE: "string"}
DEFINITION_SPEC = {C.ATTRIBUTE_NAME: "string", C.ATTRIBUTE_TYPE: "string"}
UNITS_SPEC = {"ReadCapacityUnits": "long", "WriteCapacityUnits": "long"}
INDEX_SPEC = {
    C.INDEX_NAME: "string",
    C.KEY_SCHEMA: [KEY_SPEC],
    C.PROJECTION: {C.PROJECTION_TYPE: "string", C.NON_KEY_ATTRIBUTES: ["string"]},
    C.PROVISIONED_THROUGHPUT: UNITS_SPEC,
}
_CREATE_SPEC = {
    C.ATTRIBUTE_DEFINITIONS: [DEFINITION_SPEC],
    C.KEY_SCHEMA: [KEY_SPEC],
    C.BILLING_MODE: "string",
    C.PROVISIONED_THROUGHPUT: UNITS_SPEC,
    C.GLOBAL_SECONDARY_INDEXES: [INDEX_SPEC],
    C.LOCAL_SECONDARY_INDEXES: [INDEX_SPEC],
}


# -- the shape: every broken constraint of the API's model, in one message --------------


def definitions_shape(definitions: Any, field: str = "attributeDefinitions") -> list[str]:
    """The constraints ``AttributeDefinitions`` breaks (each needs a name and a type)."""
    if definitions is None:
        return [violation(None, field, NOT_NULL)]
    found: list[str] = []
    for number, definition in enumerate(objects(definitions), start=1):
        member = f"{field}.{number}.member"
        kind = get(definition, C.ATTRIBUTE_TYPE)
        if kind is None:
            found.append(violation(None, f"{member}.attributeType", NOT_NULL))
        elif kind not in ATTRIBUTE_TYPES:
            found.append(violation(kind, f"{member}.attributeType", one_of(ATTRIBUTE_TYPES)))
        if get(definition, C.ATTRIBUTE_NAME) is None:
            found.append(violation(None, f"{member}.attributeName", NOT_NULL))
    return found


def key_schema_shape(schema: Any, field: str) -> list[str]:
    """The constraints a ``KeySchema`` breaks (1 or 2 elements, each a name and a type)."""
    if schema is None:
        return [violation(None, field, NOT_NULL)]
    elements = objects(schema)
    if not elements:
        return [violation("[]", field, min_length(1))]
    found: list[str] = []
    if len(elements) > 2:
        shown = ", ".join(
            f"KeySchemaElement(attributeName={get(e, C.ATTRIBUTE_NAME)}, "
            f"keyType={get(e, C.KEY_TYPE)})"
            for e in elements
        )
        found.append(violation(f"[{shown}]", field, max_length(2)))
    for number, element in enumerate(elements, start=1):
        member = f"{field}.{number}.member"
        if get(element, C.ATTRIBUTE_NAME) is None:
            found.append(violation(None, f"{member}.attributeName", NOT_NULL))
        kind = get(element, C.KEY_TYPE)
        if kind is None:
            found.append(violation(None, f"{member}.keyType", NOT_NULL))
        elif kind not in KEY_TYPES:
            found.append(violation(kind, f"{member}.keyType", one_of(KEY_TYPES)))
    return found


def throughput_shape(throughput: Any, field: str) -> list[str]:
    """The constraints a ``ProvisionedThroughput`` breaks (both units, each 1 at least)."""
    if not isinstance(throughput, Mapping):
        return []
    found: list[str] = []
    # DynamoDB names the write capacity first.
    for unit, name in (
        ("WriteCapacityUnits", "writeCapacityUnits"),
        ("ReadCapacityUnits", "readCapacityUnits"),
    ):
        value = throughput.get(unit)
        if value is None:
            found.append(violation(None, f"{field}.{name}", NOT_NULL))
        elif is_int(value) and value < 1:
            found.append(violation(value, f"{field}.{name}", min_value(1)))
    return found


def index_name_shape(name: Any, field: str) -> list[str]:
    """The constraints an index's name breaks (3 to 255 of ``[a-zA-Z0-9_.-]``)."""
    if name is None:
        return [violation(None, field, NOT_NULL)]
    if not isinstance(name, str):
        return []
    found = []
    if len(name) < MIN_INDEX_NAME:
        found.append(violation(name, field, min_length(MIN_INDEX_NAME)))
    if len(name) > MAX_INDEX_NAME:
        found.append(violation(name, field, max_length(MAX_INDEX_NAME)))
    if not NAME.fullmatch(name):
        found.append(violation(name, field, PATTERN))
    return found


def index_shape(index: Any, field: str, *, throughput: bool = True) -> list[str]:
    """The constraints an index's definition breaks (LSIs have no ``throughput``)."""
    found = index_name_shape(get(index, C.INDEX_NAME), f"{field}.indexName")
    found += key_schema_shape(get(index, C.KEY_SCHEMA), f"{field}.keySchema")
    if get(index, C.PROJECTION) is None:
        found.append(violation(None, f"{field}.projection", NOT_NULL))
    if throughput:
        found += throughput_shape(
            get(index, C.PROVISIONED_THROUGHPUT), f"{field}.provisionedThroughput"
        )
    return found


def billing_shape(params: Mapping[str, Any]) -> list[str]:
    """The constraint a ``BillingMode`` breaks (one of two values)."""
    mode = params.get(C.BILLING_MODE)
    if mode is not None and mode not in BILLING_MODES:
        return [violation(mode, "billingMode", one_of(BILLING_MODES))]
    return []


def projection_shape(index: Any, field: str) -> list[str]:
    """The constraint an index's ``ProjectionType`` breaks (one of three values)."""
    kind = get(get(index, C.PROJECTION), C.PROJECTION_TYPE)
    if kind is not None and kind not in PROJECTION_TYPES:
        return [violation(kind, f"{field}.projection.projectionType", one_of(_PROJECTION_ENUM))]
    return []


# -- the meaning, one refusal at a time ----------------------------------------------------


def _check_create_table(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """CreateTable: refuse what DynamoDB refuses in a table's definition."""
    refuse_wrong_types(request, _CREATE_SPEC)
    params = request.params
    table = params.get(C.TABLE_NAME)
    gsis, lsis = params.get(C.GLOBAL_SECONDARY_INDEXES), params.get(C.LOCAL_SECONDARY_INDEXES)
    # Where DynamoDB's order of a request's violations is not known, they follow its fields'
    # names (it lists a GSI's before an LSI's, whatever the request's order).
    found = definitions_shape(params.get(C.ATTRIBUTE_DEFINITIONS))
    found += billing_shape(params)
    for number, index in enumerate(objects(gsis), start=1):
        field = f"globalSecondaryIndexes.{number}.member"
        found += index_shape(index, field) + projection_shape(index, field)
    found += key_schema_shape(params.get(C.KEY_SCHEMA), "keySchema")
    for number, index in enumerate(objects(lsis), start=1):
        field = f"localSecondaryIndexes.{number}.member"
        found += index_shape(index, field, throughput=False) + projection_shape(index, field)
    found += throughput_shape(params.get(C.PROVISIONED_THROUGHPUT), "provisionedThroughput")
    refuse_violations(request, table, found)
    if not well_formed(params, (C.ATTRIBUTE_DEFINITIONS, C.KEY_SCHEMA)):
        return  # not lists of objects: a SerializationException, the engine's to answer
    if params.get(C.BILLING_MODE) == C.PAY_PER_REQUEST and C.PROVISIONED_THROUGHPUT in params:
        refuse(request, table, NEITHER_UNITS)
    defined = key_names(params[C.ATTRIBUTE_DEFINITIONS])
    schema = params[C.KEY_SCHEMA]
    keys = key_names(schema)
    if len(keys) == 2 and (
        any(k not in defined for k in keys) or (keys[0] == keys[1] and len(defined) == 1)
    ):
        refuse(request, table, NO_DEFINITION)
    if len(keys) == 1 and keys[0] not in defined:
        refuse(request, table, not_defined(keys, defined))
    check_key_order(request, table, schema)
    if lsis is None and gsis is None and len(keys) != len(defined):
        refuse(request, table, COUNT_MISMATCH)
    seen: set[str] = set()
    if lsis is not None:
        _check_local_indexes(request, table, objects(lsis), keys, defined, seen)
    if gsis is not None:
        _check_global_indexes(request, table, objects(gsis), defined, seen)


def _check_local_indexes(
    request: Request,
    table: Any,
    lsis: list[Any],
    keys: list[str],
    defined: list[str],
    seen: set[str],
) -> None:
    if not lsis:
        refuse(request, table, EMPTY_INDEXES.format(member="LocalSecondaryIndexes"))
    if len(keys) != 2:
        refuse(request, table, LSI_NEEDS_RANGE)
    for index in lsis:
        name = index[C.INDEX_NAME]
        index_keys = check_index_keys(request, table, index[C.KEY_SCHEMA], defined)
        if len(index_keys) != 2:
            refuse(request, table, LSI_WITHOUT_RANGE.format(index=name))
        if index_keys[0] != keys[0]:
            refuse(
                request,
                table,
                LSI_OTHER_HASH.format(index=name, index_hash=index_keys[0], table_hash=keys[0]),
            )
        check_projection(request, table, index[C.PROJECTION])
        _check_unique(request, table, name, seen)
    if len(lsis) > MAX_LOCAL_INDEXES:
        refuse(request, table, TOO_MANY_LOCAL)


def _check_global_indexes(
    request: Request, table: Any, gsis: list[Any], defined: list[str], seen: set[str]
) -> None:
    if not gsis:
        refuse(request, table, EMPTY_INDEXES.format(member="GlobalSecondaryIndexes"))
    for index in gsis:
        check_index_keys(request, table, index[C.KEY_SCHEMA], defined)
        check_projection(request, table, index[C.PROJECTION])
        _check_unique(request, table, index[C.INDEX_NAME], seen)
    if len(gsis) > MAX_GLOBAL_INDEXES:
        refuse(request, table, TOO_MANY_GLOBAL)


def check_index_keys(request: Request, table: Any, schema: Any, defined: list[Any]) -> list[Any]:
    """An index's key attributes, once each is defined and they are in HASH, RANGE order.

    :raises RequestRejected: if one is not defined, or they are out of order.
    """
    keys = key_names(schema)
    if any(k not in defined for k in keys):
        refuse(request, table, not_defined(keys, defined))
    check_key_order(request, table, schema)
    return keys


def check_key_order(request: Request, table: Any, schema: Any) -> None:
    """Refuse a key schema naming one attribute twice, or not HASH then RANGE."""
    schema = objects(schema)
    if not schema:
        return  # the shape has been refused already
    if len(schema) == 2 and schema[0][C.ATTRIBUTE_NAME] == schema[1][C.ATTRIBUTE_NAME]:
        refuse(request, table, SAME_NAME)
    if schema[0][C.KEY_TYPE] != C.HASH:
        refuse(request, table, FIRST_NOT_HASH)
    if len(schema) == 2 and schema[1][C.KEY_TYPE] != C.RANGE:
        refuse(request, table, SECOND_NOT_RANGE)


def check_projection(request: Request, table: Any, projection: Any) -> None:
    """Refuse a projection without a type, or whose non-key attributes do not fit it."""
    if not isinstance(projection, Mapping):
        return
    kind = projection.get(C.PROJECTION_TYPE)
    if kind is None:
        refuse(request, table, UNKNOWN_PROJECTION)
    if projection.get(C.NON_KEY_ATTRIBUTES) is not None and kind != "INCLUDE":
        refuse(request, table, NON_KEY_NOT_ALLOWED.format(kind=kind))
    if kind == "INCLUDE" and projection.get(C.NON_KEY_ATTRIBUTES) is None:
        refuse(request, table, NON_KEY_MISSING)


def _check_unique(request: Request, table: Any, name: Any, seen: set[str]) -> None:
    if not isinstance(name, str):
        return
    if name in seen:
        refuse(request, table, DUPLICATE_INDEX.format(index=name))
    seen.add(name)


# -- helpers -------------------------------------------------------------------------------


def not_defined(keys: Sequence[Any], defined: Sequence[Any]) -> str:
    """DynamoDB's message for index keys missing from the attribute definitions."""
    return NOT_DEFINED.format(
        keys=", ".join(map(str, keys)), definitions=", ".join(map(str, defined))
    )


def key_names(elements: Any) -> list[Any]:
    """The ``AttributeName`` of each element of a key schema or attribute definitions."""
    return [element.get(C.ATTRIBUTE_NAME) for element in objects(elements)]


def objects(value: Any) -> list[Any]:
    """The objects of a list member (anything else is no list of objects)."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, Mapping)]


def get(value: Any, key: str) -> Any:
    """``value[key]`` if ``value`` is an object, else None."""
    return value.get(key) if isinstance(value, Mapping) else None


def well_formed(params: Mapping[str, Any], members: Sequence[str]) -> bool:
    """True if each of ``members`` is a list of objects (once the shape has passed)."""
    return all(
        isinstance(params.get(m), list) and all(isinstance(v, Mapping) for v in params[m])
        for m in members
    )


CHECKS = {"CreateTable": (_check_create_table,)}
