"""moto's own objects for one request in the managed server: the backend moto files it under,
its tables' key schemas, their names in DynamoDB's order, a table's throughput.

The rules (:mod:`.rules`) read them here, in moto's process, instead of asking moto over HTTP.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from ...model.limits import KeySchema
from ..mototables import key_schema

_DEFAULT_REGION = "us-east-1"
# ListTables answers 100 names at most per page
# (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTables.html).
MAX_PAGE = 100


def _credential(environ: Mapping[str, Any]) -> list[str]:
    """The SigV4 credential scope's parts (the guard has checked its form), or []."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    start = auth.find("Credential=")
    if start < 0:
        return []
    return auth[start + len("Credential=") :].split(",", 1)[0].split("/")


def _region(environ: Mapping[str, Any]) -> str:
    scope = _credential(environ)
    return scope[2] if len(scope) == 5 else _DEFAULT_REGION


def _account(environ: Mapping[str, Any]) -> str:
    """The account moto files the request under, chosen as moto chooses it."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if environ.get("HTTP_X_MOTO_ACCOUNT_ID"):
        return environ["HTTP_X_MOTO_ACCOUNT_ID"]
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import get_account_id_from

    scope = _credential(environ)
    return get_account_id_from(scope[0]) if scope and scope[0] else DEFAULT_ACCOUNT_ID


def backend(environ: Mapping[str, Any]) -> Any:
    """moto's DynamoDB backend for the request's account and region."""
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[_account(environ)][_region(environ)]


def table(environ: Mapping[str, Any], name: Any) -> Any:
    """moto's table named ``name`` (or whose ARN it is), or None."""
    if not isinstance(name, str):
        return None
    tables = backend(environ).tables
    found = tables.get(name)
    if found is None and name.startswith("arn:"):
        found = next((t for t in list(tables.values()) if t.table_arn == name), None)
    return found


def key_schemas(environ: Mapping[str, Any], names: Iterable[str]) -> dict[str, KeySchema]:
    """The key schemas of the tables ``names`` that exist in moto's backend for the request's
    account and region (a missing table is moto's to report, as DynamoDB does)."""
    tables = backend(environ).tables
    found: dict[str, KeySchema] = {}
    for name in names:
        table = tables.get(name)
        if table is None:
            continue
        found[name] = key_schema(table)
    return found


def table_names_page(environ: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """ListTables' answer, as DynamoDB pages it: names in ascending order, those after
    ``ExclusiveStartTableName`` (which need not exist), ``Limit`` of them (100 at most), and
    ``LastEvaluatedTableName`` only when more names follow.

    moto lists tables in the order they were made, and answers nothing after a start name
    that is not a table.
    """
    names = sorted(name for name in backend(environ).tables if isinstance(name, str))
    start = params.get("ExclusiveStartTableName")
    if isinstance(start, str):
        names = [name for name in names if name > start]
    limit = params.get("Limit")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE:
        limit = MAX_PAGE
    answer: dict[str, Any] = {"TableNames": names[:limit]}
    if len(names) > limit:
        answer["LastEvaluatedTableName"] = names[limit - 1]
    return answer


def throughput(environ: Mapping[str, Any], name: Any) -> tuple[int, int] | None:
    """The provisioned (read, write) capacity of a provisioned table, or None (on-demand, or
    no such table)."""
    found = table(environ, name)
    if found is None or found.billing_mode == "PAY_PER_REQUEST":
        return None
    units = found.throughput or {}
    read, write = units.get("ReadCapacityUnits"), units.get("WriteCapacityUnits")
    return (read, write) if isinstance(read, int) and isinstance(write, int) else None
