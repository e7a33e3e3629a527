"""What an expression means, checked as DynamoDB checks it before it reads or writes an item.

:func:`read` takes each expression apart (:mod:`.grammar`); :func:`check_meaning` refuses,
with DynamoDB's message (``Invalid <member>: ...``):

- a ProjectionExpression naming one document path twice, or a path and a path inside it
  (``a, a.b``; ``#a, #b`` with both names for ``a``), compared on the names the placeholders
  stand for: "Two document paths overlap with each other; must remove or rewrite one of these
  paths; path one: [a], path two: [a, b]" (a list index printed ``[0]``, as in ``[l, [0]]``);
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
- a KeyConditionExpression on a nested attribute (``#sk.foo = :v``): "KeyConditionExpressions
  cannot have conditions on nested attributes" (a key is a top-level attribute);
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html
- a comparison or two-operand function whose two operands are one path (``contains(a, a)``):
  "The first operand must be distinct from the remaining operands for this operator or
  function; operator: contains, first operand: [a]";
- ``begins_with`` given an operand that is not a string or binary (``:n`` a number, or
  ``size(a)``): "Incorrect operand type for operator or function; operator or function:
  begins_with, operand type: N", whether or not an item would match.
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html#Expressions.OperatorsAndFunctions.Functions

The messages are DynamoDB's as the dynamodb-conformance suite (calibrated against DynamoDB)
and dynalite record them. An expression this reader cannot take apart is left to the engine,
which words its own syntax errors as DynamoDB does, except a ProjectionExpression (refused
here: moto's words differ) and an empty expression of any kind.

:func:`key_conditions` reads a key condition into the ``(key, operator, values)`` triples a
query needs, a value on the left (``:lo <= #sk``) turned around as DynamoDB does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from ...errors import RequestRejected
from ..requests import Request
from . import grammar
from .grammar import Call, Condition, ExpressionSyntax, Node, Path, Value
from .messages import VALIDATION

OVERLAP = (
    "Two document paths overlap with each other; must remove or rewrite one of these paths; "
    "path one: {one}, path two: {two}"
)
NESTED_KEY = "KeyConditionExpressions cannot have conditions on nested attributes"
DISTINCT = (
    "The first operand must be distinct from the remaining operands for this operator or "
    "function; operator: {op}, first operand: {path}"
)
OPERAND_TYPE = (
    "Incorrect operand type for operator or function; operator or function: {op}, "
    "operand type: {type}"
)
# The functions whose first two operands must differ; and every comparator.
_TWO_OPERANDS = frozenset({"begins_with", "contains", "attribute_type"})
_READERS: dict[str, Callable[[str], Any]] = {
    "UpdateExpression": grammar.update,
    "ConditionExpression": grammar.condition,
    "KeyConditionExpression": grammar.condition,
    "FilterExpression": grammar.condition,
    "ProjectionExpression": grammar.projection,
}
# A key condition's comparators with the value on the left, turned around.
_TURNED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _refuse(request: Request, table: str | None, member: str, message: str) -> NoReturn:
    raise RequestRejected(request.operation, table, VALIDATION, f"Invalid {member}: {message}")


def read(request: Request, table: str | None, member: str, text: str) -> Any | None:
    """The expression ``member`` (e.g. ``FilterExpression``) taken apart, or None when the
    engine is to judge its syntax (see the module).

    :raises RequestRejected: an empty expression, or a ProjectionExpression DynamoDB cannot
        read, with DynamoDB's message.
    """
    try:
        return _READERS[member](text)
    except ExpressionSyntax as exc:
        if text == "" or member == "ProjectionExpression":
            _refuse(request, table, member, exc.message)
        return None


def path_text(parts: tuple[str | int, ...]) -> str:
    """A document path as DynamoDB prints it: ``[a, b]``, a list index as ``[0]``."""
    return "[" + ", ".join(f"[{p}]" if isinstance(p, int) else p for p in parts) + "]"


def resolved(path: Path, names: Mapping[str, Any]) -> tuple[str | int, ...]:
    """A path's parts with each ``#name`` replaced by the name it stands for."""
    return tuple(
        str(names.get(part, part)) if isinstance(part, str) and part.startswith("#") else part
        for part in path.parts
    )


def check_meaning(
    request: Request,
    table: str | None,
    member: str,
    tree: Any,
    names: Mapping[str, Any],
    values: Mapping[str, Any],
) -> None:
    """Refuse an expression, read by :func:`read`, that DynamoDB would refuse for what it
    says (see the module); its placeholders are known to be defined.

    :raises RequestRejected: with DynamoDB's message.
    """
    if member == "ProjectionExpression":
        _check_overlaps(request, table, member, [resolved(path, names) for path in tree])
        return
    if member == "UpdateExpression":
        return  # its functions (list_append(a, a)...) may repeat a path
    found = grammar.nodes(tree)
    if member == "KeyConditionExpression":
        if any(isinstance(node, Path) and len(node.parts) > 1 for node in found):
            _refuse(request, table, member, NESTED_KEY)
    for node in found:
        message = _distinct(node, names) or _operand_types(node, values)
        if message:
            _refuse(request, table, member, message)


def _check_overlaps(
    request: Request, table: str | None, member: str, paths: list[tuple[str | int, ...]]
) -> None:
    for number, one in enumerate(paths):
        for two in paths[number + 1 :]:
            shorter = min(len(one), len(two))
            if one[:shorter] == two[:shorter]:
                message = OVERLAP.format(one=path_text(one), two=path_text(two))
                _refuse(request, table, member, message)


def _distinct(node: Node, names: Mapping[str, Any]) -> str | None:
    if isinstance(node, Call) and node.name in _TWO_OPERANDS:
        op = node.name
    elif isinstance(node, Condition) and node.op in grammar.COMPARATORS:
        op = node.op
    else:
        return None
    if len(node.args) != 2 or not all(isinstance(arg, Path) for arg in node.args):
        return None
    first, second = (resolved(arg, names) for arg in node.args)  # type: ignore[arg-type]
    return DISTINCT.format(op=op, path=path_text(first)) if first == second else None


def _operand_types(node: Node, values: Mapping[str, Any]) -> str | None:
    if not isinstance(node, Call) or node.name != "begins_with":
        return None
    for arg in node.args:
        kind = _type_of(arg, values)
        if kind is not None and kind not in ("S", "B"):
            return OPERAND_TYPE.format(op=node.name, type=kind)
    return None


def _type_of(node: Node, values: Mapping[str, Any]) -> str | None:
    """The type an operand has whatever the item: a value's, ``N`` for ``size()``; None for
    a path (known only on an item)."""
    if isinstance(node, Value):
        typed = values.get(node.name)
        return next(iter(typed)) if isinstance(typed, Mapping) and len(typed) == 1 else None
    if isinstance(node, Call) and node.name == "size":
        return "N"
    return None


def key_conditions(
    text: str, names: Mapping[str, Any], values: Mapping[str, Any]
) -> tuple[list[tuple[str, str, list[Any]]], list[str]] | None:
    """A KeyConditionExpression as ``(key, operator, values)`` triples (operators ``=``,
    ``<``, ``<=``, ``>``, ``>=``, ``BETWEEN``, ``begins_with``), with the ``#name``
    placeholders it used; None when it is not conditions on keys joined by AND (the engine
    then words DynamoDB's refusal).

    :param names: the request's ExpressionAttributeNames.
    :param values: the request's ExpressionAttributeValues (each triple holds these).
    """
    try:
        tree = grammar.condition(text)
    except ExpressionSyntax:
        return None
    conditions: list[Node] = []
    pending: list[Node] = [tree]
    while pending:
        node = pending.pop(0)
        if isinstance(node, Condition) and node.op == "AND":
            pending = list(node.args) + pending
        else:
            conditions.append(node)
    found: list[tuple[str, str, list[Any]]] = []
    for node in conditions:
        triple = _key_condition(node, names, values)
        if triple is None:
            return None
        found.append(triple)
    used = [
        part
        for node in grammar.nodes(tree)
        if isinstance(node, Path)
        for part in node.parts
        if isinstance(part, str) and part.startswith("#")
    ]
    return found, used


def _key_condition(
    node: Node, names: Mapping[str, Any], values: Mapping[str, Any]
) -> tuple[str, str, list[Any]] | None:
    if isinstance(node, Condition) and node.op in _TURNED and len(node.args) == 2:
        left, right = node.args
        op = node.op
        if isinstance(left, Value) and isinstance(right, Path):
            left, right, op = right, left, _TURNED[op]
        operands = [right]
    elif isinstance(node, Condition) and node.op == "BETWEEN":
        left, operands, op = node.args[0], list(node.args[1:]), "BETWEEN"
    elif isinstance(node, Call) and node.name == "begins_with" and len(node.args) == 2:
        left, operands, op = node.args[0], [node.args[1]], "begins_with"
    else:
        return None
    if not isinstance(left, Path) or len(left.parts) != 1:
        return None
    if not all(isinstance(o, Value) and o.name in values for o in operands):
        return None
    key = resolved(left, names)[0]
    return str(key), op, [values[o.name] for o in operands]  # type: ignore[union-attr]
