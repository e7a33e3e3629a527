"""``BatchExecuteStatement`` and ``ExecuteTransaction``: many statements in one request.

As DynamoDB answers them (developer guide, "Running batch operations with PartiQL" and
"Performing transactions with PartiQL"; API reference, BatchExecuteStatement and
ExecuteTransaction):

- a batch runs each statement on its own and answers one response per statement: the item a
  SELECT names (it must name one by its whole primary key), or an ``Error`` with a short code
  (``ValidationError``, ``ConditionalCheckFailed``, ``DuplicateItem``, ``ResourceNotFound``);
- a transaction runs all its statements or none: a statement that cannot be read or is not
  allowed there refuses the whole request ("Validation failed in TransactStatements[i]: ..."),
  two statements on one item are refused, and a failed condition or a duplicate INSERT
  cancels it (``TransactionCanceledException``, one reason per statement). Reads answer one
  response per statement; writes answer none.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from . import syntax as S
from . import values as V
from .conditions import Scope
from .keys import conjuncts
from .reader import read
from .run import NOT_FOUND, PARAMETER_COUNT, Item, Planned, Store, plan, prepare
from .syntax import VALIDATION, StatementRefused, refused

BATCH_READ = (
    "Select statements within BatchExecuteStatement must specify the primary key in the "
    "where clause."
)
TRANSACTION_READ = (
    "Select statements within ExecuteTransaction must specify the primary key in the where clause."
)
ONE_ITEM_TWICE = "Transaction request cannot include multiple operations on one item"
CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]"
# An error's code in a batch response is DynamoDB's BatchStatementErrorCodeEnum.
_BATCH_CODES = {
    VALIDATION: "ValidationError",
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    NOT_FOUND: "ResourceNotFound",
}
_RAN = frozenset({"ConditionalCheckFailedException", "DuplicateItemException"})
_REASONS = {
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
}


def batch(store: Store, statements: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``BatchExecuteStatement``'s ``Responses``, after making each statement's write."""
    responses: list[dict[str, Any]] = []
    for entry in statements:
        table: str | None = None
        try:
            statement, scope = prepare(entry.get("Statement", ""), entry.get("Parameters"))
            table = statement.table
            planned = plan(
                store,
                statement,
                scope,
                keyed_read=BATCH_READ,
                consistent=bool(entry.get("ConsistentRead")),
            )
            planned.apply()
            response: dict[str, Any] = {"TableName": table}
            if planned.items:
                response["Item"] = planned.items[0]
        except StatementRefused as exc:
            code = _BATCH_CODES.get(exc.error_code, exc.error_code)
            response = {"Error": {"Code": code, "Message": exc.error_message}}
            # A member that ran (and failed its condition) names its table; one refused
            # before it ran does not, as DynamoDB answers.
            if table is not None and exc.error_code in _RAN:
                response["TableName"] = table
        responses.append(response)
    return responses


def transaction(store: Store, statements: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``ExecuteTransaction``'s ``Responses``, after making every write (or none).

    :raises StatementRefused: ``ValidationException`` for a statement that cannot run in a
        transaction, ``TransactionCanceledException`` (with reasons) when a condition fails.
    """
    planned = [_plan_member(store, i, entry) for i, entry in enumerate(statements)]
    seen: set[tuple[str, str]] = set()
    for member in planned:
        target = (member.statement.table, _canonical(member.key or {}))
        if target in seen:
            raise refused(ONE_ITEM_TWICE, member.statement.table)
        seen.add(target)
    if any(member.failure is not None for member in planned):
        reasons = [_reason(member.failure) for member in planned]
        codes = ", ".join(code or "None" for code, _ in reasons)
        raise StatementRefused(
            "TransactionCanceledException", CANCELLED.format(codes), None, reasons
        )
    _apply_all(planned)
    if all(member.statement.is_read for member in planned):
        return [{"Item": m.items[0]} if m.items else {} for m in planned]
    return []


def _plan_member(store: Store, index: int, entry: Mapping[str, Any]) -> Planned:
    # A parameter DynamoDB cannot read refuses the request as it is (no statement index).
    params = [V.parameter(p) for p in entry.get("Parameters") or []]
    try:
        statement = read(str(entry.get("Statement", "")))
        if statement.params != len(params):
            raise refused(PARAMETER_COUNT)
        scope = Scope(params)
        body = statement.body
        if getattr(body, "returning", None):
            raise refused("RETURNING clause is not supported in ExecuteTransaction.")
        select = body.select if isinstance(body, S.Exists) else body
        if isinstance(select, S.Select) and select.source.index is not None:
            raise refused("Reads on indices are not supported within transactions.")
        if isinstance(body, S.Exists):
            return _exists(store, statement, body, scope)
        return plan(store, statement, scope, keyed_read=TRANSACTION_READ)
    except StatementRefused as exc:
        if exc.error_code != VALIDATION:
            raise
        raise refused(
            f"Validation failed in TransactStatements[{index}]: {exc.error_message}", exc.table
        ) from exc


def _exists(store: Store, statement: S.Statement, body: S.Exists, scope: Scope) -> Planned:
    """A condition check: the item the SELECT names must exist and meet the rest of its
    WHERE."""
    inner = S.Statement(body.select, statement.params)
    read_plan = plan(
        store,
        inner,
        scope,
        keyed_read="EXISTS() must contain a single item read with additional condition",
    )
    if len(conjuncts(body.select.where)) <= len(read_plan.view.schema.key_names):
        raise refused("EXISTS() must contain a single item read with additional condition")
    checked = Planned(statement, read_plan.view, read_plan.key)
    if not read_plan.items:
        checked.failure = StatementRefused(
            "ConditionalCheckFailedException", "The conditional request failed", statement.table
        )
    return checked


def _reason(failure: StatementRefused | None) -> tuple[str | None, str | None]:
    if failure is None:
        return None, None
    return _REASONS.get(failure.error_code, failure.error_code), failure.error_message


def _apply_all(planned: list[Planned]) -> None:
    """Make every write; if one fails, put back what the others changed."""
    done: list[tuple[Planned, Item | None]] = []
    try:
        for member in planned:
            if member.write is None:
                continue
            before = member.view.get(member.key) if member.key is not None else None
            member.apply()
            done.append((member, before))
    except Exception:
        for member, before in reversed(done):
            if before is None:
                member.view.delete(member.key or {})
            else:
                member.view.put(before)
        raise


def _canonical(key: Mapping[str, Any]) -> str:
    return json.dumps(key, sort_keys=True, default=lambda b: V.as_bytes(b).hex())
