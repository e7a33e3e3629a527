"""Evaluate a statement's expressions on an item: values, and WHERE conditions.

A condition follows DynamoDB's condition-expression rules, into which DynamoDB turns a WHERE
clause (developer guide, "PartiQL select statements" and "Comparison operator and function
reference"): a comparison with an absent attribute, or between two types, is false (``<>``
is then true); functions are ``begins_with``, ``contains``, ``attribute_exists``,
``attribute_not_exists``, ``attribute_type`` and ``size``.

:func:`check` refuses, once per statement and before any item is read, what DynamoDB refuses
whatever the items: an unknown function, a function without the document path it needs, an
ordering operator on a value of a type with no order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from . import syntax as S
from . import values as V
from .syntax import refused

Value = V.Value
_ORDERING = frozenset({"<", "<=", ">", ">="})
# The WHERE functions and their number of operands (each takes a document path first).
_FUNCTIONS = {
    "begins_with": 2,
    "contains": 2,
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "size": 1,
}
_UPDATE_FUNCTIONS = frozenset({"list_append", "set_add", "set_delete"})
_BAD_OPERAND = (
    "Incorrect operand type for operator or function; operator or function: {op}, "
    "operand type: {type}"
)
_IN_OPERATOR = (
    "IN operator must have a left hand argument of type Variable Reference and right hand "
    "argument of type Seq with at least one member"
)
_BAD_DATA = "An operand in the update expression has an incorrect data type"


class Scope:
    """What expressions are evaluated with: the statement's parameters (DynamoDB's
    ``Parameters``, already read by :func:`.values.parameter`)."""

    def __init__(self, params: Sequence[Value]) -> None:
        self.params = list(params)

    # -- values --------------------------------------------------------------------------

    def value(self, expr: S.Expr, item: Mapping[str, Value] | None, where: str = "root") -> Any:
        """The typed value of ``expr`` on ``item`` (None for MISSING)."""
        if isinstance(expr, S.Literal):
            return _literal(expr, where)
        if isinstance(expr, S.Param):
            return self.params[expr.index]
        if isinstance(expr, S.Path):
            return V.get(item, expr.steps)
        if isinstance(expr, S.Sequence):
            found = [self.value(e, item, f"{where}[{i}]") for i, e in enumerate(expr.items)]
            if expr.kind == "bag":
                return V.bag([v for v in found if v is not None])
            return {"L": [v for v in found if v is not None]}
        if isinstance(expr, S.Struct):
            return {"M": self.struct(expr, item, where, nested=True)}
        if isinstance(expr, S.Binary) and expr.op in ("+", "-"):
            return _arithmetic(expr.op, self.value(expr.left, item), self.value(expr.right, item))
        if isinstance(expr, S.Unary) and expr.op in ("-", "+"):
            zero = {"N": "0"}
            return _arithmetic(expr.op, zero, self.value(expr.operand, item))
        if isinstance(expr, S.Call) and expr.name == "size":
            return V.size(self.value(expr.args[0], item))
        if isinstance(expr, S.Call) and expr.name == "list_append":
            first, second = (self.value(a, item) for a in expr.args)
            if V.kind(first) != "L" or V.kind(second) != "L":
                raise refused(_BAD_DATA)
            return {"L": first["L"] + second["L"]}
        return {"BOOL": self.holds(expr, item)}

    def struct(
        self, expr: S.Struct, item: Mapping[str, Value] | None, where: str, *, nested: bool
    ) -> dict[str, Value]:
        """A map literal's members (an INSERT's item when not ``nested``).

        :raises StatementRefused: for a key that is not a string, or given twice.
        """
        members: dict[str, Value] = {}
        for key_expr, value_expr in expr.entries:
            key = self.value(key_expr, item)
            if V.kind(key) != "S":
                raise refused(
                    f"Tuple keys must be of type String. Actual type: {_type_label(key)} "
                    f"under {where}"
                )
            name = key["S"]
            if name in members:
                raise refused(f"Duplicate keys in tuple. Key: {name} under {where}")
            value = self.value(value_expr, item, f"{where}.{name}" if nested else where)
            if value is not None:  # a MISSING member is no member
                members[name] = value
        return members

    # -- conditions ----------------------------------------------------------------------

    def holds(self, expr: S.Expr | None, item: Mapping[str, Value] | None) -> bool:
        """Whether condition ``expr`` is true of ``item`` (no condition: always)."""
        if expr is None:
            return True
        if isinstance(expr, S.Binary):
            if expr.op == "and":
                return self.holds(expr.left, item) and self.holds(expr.right, item)
            if expr.op == "or":
                return self.holds(expr.left, item) or self.holds(expr.right, item)
            left, right = self.value(expr.left, item), self.value(expr.right, item)
            return _compare(expr.op, left, right)
        if isinstance(expr, S.Unary) and expr.op == "not":
            return not self.holds(expr.operand, item)
        if isinstance(expr, S.Between):
            value = self.value(expr.operand, item)
            low, high = self.value(expr.low, item), self.value(expr.high, item)
            inside = _compare(">=", value, low) and _compare("<=", value, high)
            return inside != expr.negated
        if isinstance(expr, S.In):
            value = self.value(expr.operand, item)
            options = expr.options.items if isinstance(expr.options, S.Sequence) else ()
            found = any(V.equal(value, self.value(o, item)) for o in options)
            return found != expr.negated
        if isinstance(expr, S.Is):
            value = self.value(expr.operand, item)
            if expr.type_name == "MISSING":
                result = value is None
            else:
                result = V.kind(value) == V.IS_TYPES[expr.type_name]
            return result != expr.negated
        if isinstance(expr, S.Call):
            return self._function(expr, item)
        return V.equal(self.value(expr, item), {"BOOL": True})

    def _function(self, call: S.Call, item: Mapping[str, Value] | None) -> bool:
        args = [self.value(a, item) for a in call.args]
        if call.name == "attribute_exists":
            return args[0] is not None
        if call.name == "attribute_not_exists":
            return args[0] is None
        if call.name == "attribute_type":
            return V.kind(args[1]) == "S" and V.kind(args[0]) == args[1]["S"]
        value, operand = args
        if call.name == "begins_with":
            typ = V.kind(value)
            if typ != V.kind(operand) or typ not in ("S", "B"):
                return False
            if typ == "B":
                return V.as_bytes(value["B"]).startswith(V.as_bytes(operand["B"]))
            return str(value["S"]).startswith(operand["S"])
        # contains: a substring of a string, a member of a set, an element of a list.
        typ = V.kind(value)
        if typ == "S" and V.kind(operand) == "S":
            return operand["S"] in value["S"]
        if typ == "B" and V.kind(operand) == "B":
            return V.as_bytes(operand["B"]) in V.as_bytes(value["B"])
        if typ in ("SS", "NS", "BS") and V.kind(operand) == typ[0]:
            return any(V.equal({typ[0]: m}, operand) for m in value[typ])
        if typ == "L":
            return any(V.equal(m, operand) for m in value["L"])
        return False


def _compare(op: str, left: Value | None, right: Value | None) -> bool:
    if op == "=":
        return V.equal(left, right)
    if op == "<>":
        return not V.equal(left, right)
    if op == "like":
        return False
    order = V.order(left, right)
    if order is None:
        return False
    return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]


def _literal(expr: S.Literal, where: str) -> Value | None:
    if expr.kind == "string":
        return {"S": expr.text}
    if expr.kind == "number":
        return V.number(expr.text, where)
    if expr.kind == "bool":
        return {"BOOL": expr.text == "true"}
    if expr.kind == "null":
        return {"NULL": True}
    return None


def _arithmetic(op: str, left: Value | None, right: Value | None) -> Value:
    if V.kind(left) != "N" or V.kind(right) != "N":
        raise refused(_BAD_DATA)
    a, b = Decimal(left["N"]), Decimal(right["N"])  # type: ignore[index]
    return V.number(str(a + b if op == "+" else a - b))


def _type_label(value: Value | None) -> str:
    return {None: "MISSING", "N": "DECIMAL", "BOOL": "BOOL", "NULL": "NULL"}.get(
        V.kind(value), V.kind(value) or "MISSING"
    )


# -- what DynamoDB refuses whatever the items ---------------------------------------------


def check(expr: S.Expr | None, scope: Scope, *, in_update: bool = False) -> None:
    """Refuse a WHERE condition (or a SET value, ``in_update``) as DynamoDB does before
    reading any item.

    :raises StatementRefused: with DynamoDB's message.
    """
    if expr is None:
        return
    for node in _walk(expr):
        if isinstance(node, S.Call):
            _check_call(node, scope, in_update)
        elif isinstance(node, S.Binary) and node.op in _ORDERING:
            for side in (node.left, node.right):
                _check_orderable(node.op, side, scope)
        elif isinstance(node, S.Between):
            for side in (node.low, node.high):
                _check_orderable("BETWEEN", side, scope)
        elif isinstance(node, S.In):
            items = node.options.items if isinstance(node.options, S.Sequence) else ()
            if not isinstance(node.operand, S.Path) or not items:
                raise refused(_IN_OPERATOR)
        elif isinstance(node, S.Is):
            if node.type_name != "MISSING" and node.type_name not in V.IS_TYPES:
                raise refused(
                    f"Unsupported data type for IS operator: {node.type_name}. Supported data "
                    f"types are {V.IS_SUPPORTED}"
                )
        elif isinstance(node, S.Binary) and node.op in ("=", "<>"):
            if any(
                isinstance(s, S.Literal) and s.kind == "missing" for s in (node.left, node.right)
            ):
                raise refused("MISSING must be compared using IS operator")
        elif isinstance(node, S.Subquery):
            raise refused("Unsupported operation: Select")


def _check_call(call: S.Call, scope: Scope, in_update: bool) -> None:
    arity = _FUNCTIONS.get(call.name)
    if arity is None:
        if in_update and call.name in _UPDATE_FUNCTIONS:
            return
        raise refused(f"Unrecognized function: {call.name} {call.token.at()}")
    if len(call.args) != arity:
        raise refused(
            "Incorrect number of operands for operator or function; operator or function: "
            f"{call.name}, number of operands: {len(call.args)}"
        )
    if not isinstance(call.args[0], S.Path):
        raise refused(
            f"Operator or function requires a document path; operator or function: {call.name}"
        )
    if call.name == "begins_with":
        operand = _known(call.args[1], scope)
        if operand is not None and V.kind(operand) not in ("S", "B"):
            raise refused(_BAD_OPERAND.format(op=call.name, type=V.kind(operand)))


def _check_orderable(op: str, side: S.Expr, scope: Scope) -> None:
    value = _known(side, scope)
    if value is not None and V.kind(value) not in ("S", "N", "B"):
        raise refused(_BAD_OPERAND.format(op=op, type=V.kind(value)))


def _known(expr: S.Expr, scope: Scope) -> Value | None:
    """The value of a literal or parameter (None for anything read from the item)."""
    if isinstance(expr, S.Param | S.Literal | S.Sequence | S.Struct):
        try:
            return scope.value(expr, None)
        except S.StatementRefused:
            return None
    return None


def _walk(expr: Any) -> list[Any]:
    found = [expr]
    for name in ("left", "right", "operand", "low", "high", "options"):
        child = getattr(expr, name, None)
        if child is not None:
            found += _walk(child)
    for child in getattr(expr, "args", ()) or getattr(expr, "items", ()) or ():
        found += _walk(child)
    return found


def attributes(expr: S.Expr | None) -> list[str]:
    """The top-level attributes ``expr`` names, each once, in the order written."""
    names: list[str] = []
    for node in _walk(expr) if expr is not None else []:
        if isinstance(node, S.Path) and node.name not in names:
            names.append(node.name)
    return names
