"""ExpressionAttributeNames and ExpressionAttributeValues: each one defined is used, each one
used is defined, and neither comes without an expression.

Every placeholder a request defines must be used by one of its expressions, and every
``#name`` or ``:value`` an expression uses must be defined: DynamoDB refuses the request
otherwise, before it reads or writes anything.
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeValues.html

Each expression is read first (:mod:`.expressions`): a syntax error comes before an unused
placeholder, and what an expression means is checked once its placeholders are known.

moto let unused values through (PutItem, DeleteItem, Scan...) and crashed (HTTP 500) on a
filter naming an undefined ``#name`` or ``:value``. The messages are DynamoDB's, as the
conformance suites calibrated against it record them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

from ... import constants as C
from ...errors import RequestRejected
from ..requests import Request
from . import expressions
from .messages import VALIDATION

NAMES, VALUES = C.EXPRESSION_ATTRIBUTE_NAMES, C.EXPRESSION_ATTRIBUTE_VALUES

ONLY_WITH_EXPRESSIONS = "{member} can only be specified when using expressions"
MUST_NOT_BE_EMPTY = "{member} must not be empty"
INVALID_KEY = '{member} contains invalid key: Syntax error; key: "{key}"'
UNDEFINED_NAME = (
    "Invalid {expression}: An expression attribute name used in the document path is not "
    "defined; attribute name: {name}"
)
UNDEFINED_VALUE = (
    "Invalid {expression}: An expression attribute value used in expression is not defined; "
    "attribute value: {name}"
)
UNUSED = "Value provided in {member} unused in expressions: keys: {{{keys}}}"

# The expressions of each body, in the order DynamoDB reads them.
_EXPRESSIONS = (
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
)
_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")
_KEY = {NAMES: re.compile(r"#[A-Za-z0-9_]+\Z"), VALUES: re.compile(r":[A-Za-z0-9_]+\Z")}
# Operations whose bodies take expressions (BatchWriteItem's requests take none).
_OPERATIONS = (
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "TransactGetItems",
    "TransactWriteItems",
)


def _refuse(request: Request, table: str | None, message: str) -> NoReturn:
    raise RequestRejected(request.operation, table, VALIDATION, message)


def _bodies(request: Request) -> Iterator[tuple[str | None, Mapping[str, Any]]]:
    """Every body that carries its own expressions and placeholders, with its table."""
    params = request.params
    if request.operation == "BatchGetItem":
        items = params.get(C.REQUEST_ITEMS)
        for table, entry in items.items() if isinstance(items, Mapping) else ():
            if isinstance(entry, Mapping):
                yield table, entry
        return
    if request.operation in ("TransactGetItems", "TransactWriteItems"):
        for action in params.get(C.TRANSACT_ITEMS) or []:
            for body in action.values() if isinstance(action, Mapping) else ():
                if isinstance(body, Mapping):
                    yield body.get(C.TABLE_NAME), body
        return
    yield params.get(C.TABLE_NAME), params


def placeholders(expression: str) -> list[str]:
    """The ``#name`` and ``:value`` placeholders of an expression, in order.

    DynamoDB's expressions hold no quoted text, so every ``#`` or ``:`` starts a placeholder.
    """
    return _PLACEHOLDER.findall(expression)


def check_body(request: Request, table: str | None, body: Mapping[str, Any]) -> None:
    """Refuse one body's placeholders as DynamoDB would (see the module's docstring).

    :raises RequestRejected: with DynamoDB's message.
    """
    texts = [(member, body[member]) for member in _EXPRESSIONS if isinstance(body.get(member), str)]
    given = {member: body.get(member) for member in (NAMES, VALUES)}
    for member, defined in given.items():
        if defined is None:
            continue
        if not texts:
            _refuse(request, table, ONLY_WITH_EXPRESSIONS.format(member=member))
        if isinstance(defined, Mapping) and not defined:
            _refuse(request, table, MUST_NOT_BE_EMPTY.format(member=member))
        for key in defined if isinstance(defined, Mapping) else ():
            if not _KEY[member].match(str(key)):
                _refuse(request, table, INVALID_KEY.format(member=member, key=key))
    names = given[NAMES] if isinstance(given[NAMES], Mapping) else {}
    values = given[VALUES] if isinstance(given[VALUES], Mapping) else {}
    used: set[str] = set()
    # Each expression in turn is read, its placeholders resolved, its meaning checked; only
    # then are unused placeholders looked for (so a syntax error is reported first).
    for member, expression in texts:
        tree = expressions.read(request, table, member, expression)
        if tree is None:
            return  # a syntax the engine words DynamoDB's refusal of
        for token in placeholders(expression):
            used.add(token)
            if token.startswith("#") and token not in names:
                message = UNDEFINED_NAME.format(expression=member, name=token)
                _refuse(request, table, message)
            if token.startswith(":") and token not in values:
                message = UNDEFINED_VALUE.format(expression=member, name=token)
                _refuse(request, table, message)
        expressions.check_meaning(request, table, member, tree, names, values)
    for member, defined in ((NAMES, names), (VALUES, values)):
        unused = [key for key in defined if key not in used]
        if unused:
            message = UNUSED.format(member=member, keys=", ".join(sorted(unused)))
            _refuse(request, table, message)


def check_placeholders(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """Refuse a request whose expression attribute names or values DynamoDB would refuse."""
    if request.operation not in _OPERATIONS:
        return
    for table, body in _bodies(request):
        check_body(request, table, body)


# Run for every operation, after the attribute values themselves are checked.
EVERY = (check_placeholders,)
