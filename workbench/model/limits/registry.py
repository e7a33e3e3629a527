"""Which checks run on which operation: every rules module lists its own, and one function,
:func:`check_request`, runs them, for ``dynamo.send`` and the managed server alike."""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

from ..requests import Request
from . import (
    calls,
    checks,
    definitions,
    keys,
    members,
    names,
    partiql,
    placeholders,
    table_settings,
    table_updates,
    values,
)
from .schema import KeySchema, TokenBook

# Each module holds ``CHECKS`` (operation to its checks) and ``EVERY`` (checks for any
# operation, run first). Order matters where DynamoDB's does: a request's shape (names,
# definitions) is refused before what it would do to items.
_MODULES: tuple[ModuleType, ...] = (
    names,
    definitions,
    table_updates,
    table_settings,  # stream specification, table class
    members,  # enums and Scan segments, all of a request's in one message
    checks,
    calls,  # legacy/expression mixes, BatchGetItem and TransactGetItems shapes
    keys,  # key values: not empty, of the schema, within the length limits
    values,  # empty and duplicated sets
    placeholders,  # expression attribute names and values, after the values themselves
    partiql,  # ExecuteStatement, BatchExecuteStatement, ExecuteTransaction
)


def _registry() -> tuple[tuple[checks.Check, ...], dict[str, tuple[checks.Check, ...]]]:
    every: tuple[checks.Check, ...] = ()
    by_operation: dict[str, tuple[checks.Check, ...]] = {}
    for module in _MODULES:
        every += tuple(getattr(module, "EVERY", ()))
        for operation, found in getattr(module, "CHECKS", {}).items():
            by_operation[operation] = by_operation.get(operation, ()) + tuple(found)
    return every, by_operation


_EVERY, _BY_OPERATION = _registry()


def checked_operations() -> frozenset[str]:
    """The operations with checks of their own (besides those every operation gets)."""
    return frozenset(_BY_OPERATION)


def check_request(
    request: Request,
    schemas: Mapping[str, KeySchema] | None = None,
    tokens: TokenBook | None = None,
) -> None:
    """Refuse ``request`` as DynamoDB would, before it is sent; return None if it passes.

    Checks that need a table's keys are skipped for a table missing from ``schemas`` (a
    table that does not exist is the engine's to report).

    :param request: the request about to be sent (its ``params`` as boto3's client takes
        them, or as DynamoDB's JSON wire format carries them: binary values as bytes or
        base64 text).
    :param schemas: table name to its :class:`KeySchema`.
    :param tokens: the engine's :class:`TokenBook`, for ``TransactWriteItems`` tokens.
    :raises RequestRejected: with DynamoDB's error code and message.
    """
    schemas = schemas or {}
    for check in _EVERY + _BY_OPERATION.get(request.operation, ()):
        check(request, schemas, tokens)
