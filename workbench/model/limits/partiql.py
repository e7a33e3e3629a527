"""DynamoDB's checks on PartiQL requests: ``ExecuteStatement``, ``BatchExecuteStatement`` and
``ExecuteTransaction``, refused as DynamoDB refuses them before it reads any item.

- the request's lists and strings within the API's length constraints (API reference,
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteStatement.html,
  API_BatchExecuteStatement.html and API_ExecuteTransaction.html: ``Statement`` 1 to 8192
  characters, ``Parameters`` at least 1, ``Statements`` 1 to 25, ``TransactStatements`` 1 to
  100), with DynamoDB's "1 validation error detected" message;
- a statement DynamoDB cannot read ("Statement wasn't well formed, can't be processed: ..."),
  or whose ``?`` do not match its ``Parameters``: the request is refused for
  ``ExecuteStatement``, and for ``ExecuteTransaction`` with the statement's index
  ("Validation failed in TransactStatements[0]: ..."); a batch answers such a statement with an
  error of its own, so a batch is never refused for one.

What depends on the items (a duplicate INSERT, a failed condition, two statements on one item
of a transaction) is the engine's: on the managed server and on in-process moto,
:mod:`workbench.engine.motopartiql`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from ...errors import RequestRejected
from ..partiql import StatementRefused, read
from ..partiql.run import PARAMETER_COUNT, prepare
from ..partiql.values import parameter
from ..requests import Request
from .messages import VALIDATION
from .schema import KeySchema, TokenBook

MAX_STATEMENT_CHARS = 8192
MAX_BATCH_STATEMENTS = 25
MAX_TRANSACTION_STATEMENTS = 100
_TOO_SHORT = (
    "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
    "Member must have length greater than or equal to 1"
)
_TOO_LONG = (
    "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
    "Member must have length less than or equal to {limit}"
)


def _refuse(request: Request, message: str, code: str = VALIDATION) -> NoReturn:
    raise RequestRejected(request.operation, None, code, message)


def _length(request: Request, value: Any, member: str, limit: int, shown: str) -> None:
    """Refuse a string or list outside 1..``limit`` (DynamoDB names the member in camelCase)."""
    if not isinstance(value, str | list):
        return
    if len(value) < 1:
        _refuse(request, _TOO_SHORT.format(value=shown, member=member))
    if len(value) > limit:
        _refuse(request, _TOO_LONG.format(value=shown, member=member, limit=limit))


def _check_statement(
    request: Request, _schemas: Mapping[str, KeySchema], _: TokenBook | None
) -> None:
    params = request.params
    statement = params.get("Statement")
    _length(request, statement, "statement", MAX_STATEMENT_CHARS, str(statement))
    parameters = params.get("Parameters")
    if isinstance(parameters, list) and not parameters:
        _refuse(request, _TOO_SHORT.format(value="[]", member="parameters"))
    limit = params.get("Limit")
    if isinstance(limit, int) and limit < 1:
        _refuse(
            request,
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1",
        )
    if not isinstance(statement, str):
        return
    try:
        prepare(statement, parameters)
    except StatementRefused as exc:
        _refuse(request, exc.error_message, exc.error_code)


def _check_batch(request: Request, _schemas: Mapping[str, KeySchema], _: TokenBook | None) -> None:
    statements = request.params.get("Statements")
    shown = "[]" if statements == [] else "[...]"
    _length(request, statements, "statements", MAX_BATCH_STATEMENTS, shown)


def _check_transaction(
    request: Request, _schemas: Mapping[str, KeySchema], _: TokenBook | None
) -> None:
    statements = request.params.get("TransactStatements")
    shown = "[]" if statements == [] else "[...]"
    _length(request, statements, "transactStatements", MAX_TRANSACTION_STATEMENTS, shown)
    for index, entry in enumerate(statements or []):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("Statement"), str):
            continue
        try:
            # A parameter DynamoDB cannot read refuses the request as it is; a statement it
            # cannot read, with the statement's index.
            count = len([parameter(p) for p in entry.get("Parameters") or []])
        except StatementRefused as exc:
            _refuse(request, exc.error_message, exc.error_code)
        try:
            if read(entry["Statement"]).params != count:
                _refuse(request, _in_transaction(index, PARAMETER_COUNT))
        except StatementRefused as exc:
            _refuse(request, _in_transaction(index, exc.error_message), exc.error_code)


def _in_transaction(index: int, message: str) -> str:
    return f"Validation failed in TransactStatements[{index}]: {message}"


# The registry (:mod:`.registry`) runs these by operation.
CHECKS = {
    "ExecuteStatement": (_check_statement,),
    "BatchExecuteStatement": (_check_batch,),
    "ExecuteTransaction": (_check_transaction,),
}
