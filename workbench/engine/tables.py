"""The table scripts as functions, for any model: schema-load, list-tables, describe-table, drop.

The model (Cruddur's design) is imported by the functions that use it, not before:
``workbench ddb list-tables`` needs none of it (issue 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError, WaiterError

from .. import constants as C
from ..errors import ConfirmationRequired, DynamoError, TableNotFound, WorkbenchError
from ..model.requests import Request
from .dynamo import send

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model
    from ..model.table import TableSpec


def _cruddur() -> Model:
    from ..model import CRUDDUR

    return CRUDDUR


def create_table_request(table_name: str | None = None, model: Model | None = None) -> Request:
    """The dry run of schema-load: the exact ``CreateTable`` request.

    :param model: default Cruddur's (``CRUDDUR``).
    """
    model = _cruddur() if model is None else model
    return Request("CreateTable", model.table.create_table_request(table_name))


def schema_load(
    engine: Any,
    table_name: str | None = None,
    *,
    recreate: bool = False,
    confirm: str | None = None,
    model: Model | None = None,
) -> dict[str, Any]:
    """Create the table (keys, GSI, throughput, stream) and wait until it is active.

    An existing table that matches the model is left alone; one that differs is an error
    naming the differences, unless ``recreate`` drops and rebuilds it.

    :param recreate: drop the table first if it exists (it loses every item).
    :param confirm: on ``aws``, dropping needs ``confirm`` equal to the table name.
    :param model: default Cruddur's (``CRUDDUR``).
    :returns: the table description (``DescribeTable``'s ``Table``).
    :raises WorkbenchError: if the table exists and differs from the model.
    """
    from ..model.table import check_table_name

    model = _cruddur() if model is None else model
    table_name = check_table_name(table_name or model.table.name)
    existing = _describe_or_none(engine, table_name)
    if existing is not None:
        if recreate:
            drop_table(engine, table_name, confirm=confirm)
        else:
            problems = differences(existing, model.table)
            if problems:
                raise WorkbenchError(
                    f"table {table_name!r} already exists but differs from the model: "
                    + "; ".join(problems)
                    + ". Rebuild it with `workbench ddb schema-load --recreate` (drops all items)"
                )
            return existing
    send(engine, create_table_request(table_name, model))
    return wait_until_active(engine, table_name)


def wait_until_active(engine: Any, table_name: str) -> dict[str, Any]:
    """Wait for ``table_name`` to exist and be ACTIVE; return its description."""
    try:
        engine.client("dynamodb").get_waiter("table_exists").wait(
            TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
        )
    except WaiterError as exc:
        raise DynamoError(f"table {table_name!r} did not become active: {exc}", exc) from exc
    return describe_table(engine, table_name)


def describe_table(engine: Any, table_name: str | None = None) -> dict[str, Any]:
    """``DescribeTable``'s ``Table`` for ``table_name`` (default: Cruddur's table).

    :raises TableNotFound: if there is no such table.
    """
    if table_name is None:
        table_name = _cruddur().table.name
    response = send(engine, Request("DescribeTable", {C.TABLE_NAME: table_name}))
    return response["Table"]


def _describe_or_none(engine: Any, table_name: str) -> dict[str, Any] | None:
    try:
        return describe_table(engine, table_name)
    except TableNotFound:
        return None


def list_tables(engine: Any) -> list[str]:
    """Every table name on the engine (all pages)."""
    names: list[str] = []
    params: dict[str, Any] = {}
    while True:
        response = send(engine, Request("ListTables", dict(params)))
        names.extend(response.get("TableNames", []))
        if not response.get("LastEvaluatedTableName"):
            return names
        params["ExclusiveStartTableName"] = response["LastEvaluatedTableName"]


def drop_table(engine: Any, table_name: str, *, confirm: str | None = None) -> bool:
    """Delete ``table_name`` and wait until it is gone.

    On a real AWS account this is only done when ``confirm`` is the table name itself: a
    deliberate act, never a default.

    :returns: False if the table did not exist.
    :raises ConfirmationRequired: on ``aws`` without ``confirm == table_name``.
    """
    if engine.is_aws and confirm != table_name:
        raise ConfirmationRequired(
            f"refusing to delete table {table_name!r} from the AWS account ({engine.describe()}) "
            f"without confirmation: pass confirm={table_name!r}"
        )
    try:
        send(engine, Request("DeleteTable", {C.TABLE_NAME: table_name}))
    except TableNotFound:
        return False
    try:
        engine.client("dynamodb").get_waiter("table_not_exists").wait(
            TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
        )
    except (WaiterError, ClientError) as exc:
        raise DynamoError(f"table {table_name!r} was not deleted: {exc}", exc) from exc
    return True


def _keys(schema: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(k[C.ATTRIBUTE_NAME], k[C.KEY_TYPE]) for k in schema]


def _throughput(described: dict[str, Any] | None) -> tuple[int, int] | None:
    if not described:
        return None
    return (described.get(C.READ_CAPACITY_UNITS, 0), described.get(C.WRITE_CAPACITY_UNITS, 0))


def differences(description: dict[str, Any], spec: TableSpec) -> list[str]:
    """How a ``DescribeTable`` result differs from ``spec`` (empty when they match).

    Compares keys, attribute definitions, billing and throughput, every GSI (keys,
    projection, throughput) and the stream.
    """
    want = spec.create_table_request(description.get(C.TABLE_NAME))
    problems: list[str] = []

    def check(label: str, got: Any, expected: Any) -> None:
        if got != expected:
            problems.append(f"{label} is {got!r}, expected {expected!r}")

    check("key schema", _keys(description.get(C.KEY_SCHEMA, [])), _keys(want[C.KEY_SCHEMA]))
    check(
        "attribute definitions",
        sorted(
            (a[C.ATTRIBUTE_NAME], a[C.ATTRIBUTE_TYPE])
            for a in description.get(C.ATTRIBUTE_DEFINITIONS, [])
        ),
        sorted((a[C.ATTRIBUTE_NAME], a[C.ATTRIBUTE_TYPE]) for a in want[C.ATTRIBUTE_DEFINITIONS]),
    )
    billing = description.get("BillingModeSummary", {}).get(C.BILLING_MODE, C.PROVISIONED)
    check("billing mode", billing, want[C.BILLING_MODE])
    if C.PROVISIONED_THROUGHPUT in want:
        check(
            "table throughput (read, write)",
            _throughput(description.get(C.PROVISIONED_THROUGHPUT)),
            _throughput(want[C.PROVISIONED_THROUGHPUT]),
        )
    got_gsis = {g[C.INDEX_NAME]: g for g in description.get(C.GLOBAL_SECONDARY_INDEXES, [])}
    want_gsis = {g[C.INDEX_NAME]: g for g in want.get(C.GLOBAL_SECONDARY_INDEXES, [])}
    check("GSIs", sorted(got_gsis), sorted(want_gsis))
    for name in sorted(set(got_gsis) & set(want_gsis)):
        got, expected = got_gsis[name], want_gsis[name]
        check(f"GSI {name} key schema", _keys(got[C.KEY_SCHEMA]), _keys(expected[C.KEY_SCHEMA]))
        check(
            f"GSI {name} projection",
            got[C.PROJECTION].get(C.PROJECTION_TYPE),
            expected[C.PROJECTION][C.PROJECTION_TYPE],
        )
        if C.PROVISIONED_THROUGHPUT in expected:
            check(
                f"GSI {name} throughput (read, write)",
                _throughput(got.get(C.PROVISIONED_THROUGHPUT)),
                _throughput(expected[C.PROVISIONED_THROUGHPUT]),
            )
    stream = description.get(C.STREAM_SPECIFICATION) or {}
    want_stream = want.get(C.STREAM_SPECIFICATION) or {}
    check(
        "stream",
        (bool(stream.get(C.STREAM_ENABLED)), stream.get(C.STREAM_VIEW_TYPE)),
        (bool(want_stream.get(C.STREAM_ENABLED)), want_stream.get(C.STREAM_VIEW_TYPE)),
    )
    return problems
