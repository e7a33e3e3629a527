"""The item an UpdateItem leaves behind, for its capacity: the UpdateExpression applied to the
old item, nested paths included, as DynamoDB applies it.

Rules: AWS DynamoDB Developer Guide, "Using update expressions in DynamoDB"
(Expressions.UpdateExpressions.html): ``SET`` on a list index past the end appends; ``REMOVE``
of list elements shifts the rest; ``ADD`` adds to a number or a set and ``DELETE`` takes members
out of a set. Operands are read from the item as it was before the update (one expression
cannot name a path twice, so the order of its actions does not matter otherwise).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from ... import constants as C
from ..update_expression import clauses, split_top

UPDATE_EXPRESSION = "UpdateExpression"
UNKNOWN_OLD = (
    "UpdateItem: the old item is unknown, so its size is computed from the key and the values "
    "the update sets, and an index is charged only where the update certainly changes it"
)
SETS = ("SS", "NS", "BS")
_TOKEN = re.compile(
    r"\s*(?:(?P<value>:[A-Za-z0-9_]+)|(?P<name>#?[A-Za-z0-9_]+)|\[\s*(?P<index>\d+)\s*\]"
    r"|(?P<op>[.(),+-]))"
)
_ADD_ACTION = re.compile(r"^(?P<path>.*\S)\s+(?P<value>:[A-Za-z0-9_]+)\s*$", re.DOTALL)
Path = tuple[str | int, ...]


class Unknown(Exception):
    """A value or path the update expression gives that cannot be known here (and why)."""


@dataclass(frozen=True)
class Updated:
    """The item an UpdateItem leaves behind.

    :param item: the new item; exact when ``exact``, else no larger than the real one in any
        attribute (attributes whose value is unknown are left out).
    :param notes: what could not be known, one sentence each.
    :param exact: True when the old item was known and every action could be applied.
    :param changed: top-level attributes the update changes for certain, whatever the old item
        (``ADD`` of a number other than 0).
    """

    item: dict[str, Any]
    notes: tuple[str, ...]
    exact: bool
    changed: frozenset[str]


# -- paths and operands -----------------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, str]]:
    found, at, text = [], 0, text.strip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if not match or match.end() == at:
            raise Unknown(f"cannot read {text!r} at {text[at:]!r}")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        at = match.end()
    return found


class _Reader:
    """Reads one path or operand from its tokens."""

    def __init__(self, text: str, names: Mapping[str, str]) -> None:
        self.tokens, self.at, self.names, self.text = _tokens(text), 0, names, text.strip()

    def _peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def _take(self, kind: str, text: str | None = None) -> str:
        got = self._peek()
        if got[0] != kind or (text is not None and got[1] != text):
            raise Unknown(f"cannot read {self.text!r}")
        self.at += 1
        return got[1]

    def _name(self) -> str:
        name = self._take("name")
        if name.startswith("#"):
            if name not in self.names:
                raise Unknown(f"{name} is not in ExpressionAttributeNames")
            return self.names[name]
        return name

    def path(self) -> Path:
        steps: list[str | int] = [self._name()]
        while True:
            kind, text = self._peek()
            if kind == "index":
                steps.append(int(self._take("index")))
            elif (kind, text) == ("op", "."):
                self._take("op", ".")
                steps.append(self._name())
            else:
                return tuple(steps)

    def operand(self) -> tuple[Any, ...]:
        kind, text = self._peek()
        if kind == "value":
            return ("value", self._take("value"))
        if kind == "name" and self.at + 1 < len(self.tokens) and self.tokens[self.at + 1][1] == "(":
            function = self._take("name")
            self._take("op", "(")
            args = [self.value()]
            while self._peek()[1] == ",":
                self._take("op", ",")
                args.append(self.value())
            self._take("op", ")")
            return ("call", function, args)
        return ("path", self.path())

    def value(self) -> tuple[Any, ...]:
        left = self.operand()
        if self._peek()[1] in ("+", "-"):
            sign = self._take("op")
            return ("arith", sign, left, self.operand())
        return left

    def done(self) -> None:
        if self.at != len(self.tokens):
            raise Unknown(f"cannot read {self.text!r}")


def read_path(text: str, names: Mapping[str, str]) -> Path:
    """``a.b[2].#c`` as its steps: ``("a", "b", 2, "c")`` (``#`` names resolved)."""
    reader = _Reader(text, names)
    path = reader.path()
    reader.done()
    return path


def shown(path: Path) -> str:
    """A path as text again, names resolved: ``m.b[0]``."""
    return "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path).lstrip(".")


# -- typed documents --------------------------------------------------------------------


def get_at(item: Mapping[str, Any], path: Path) -> Any:
    """The typed value at ``path`` in ``item``, or None if there is none."""
    value: Any = item.get(str(path[0]))
    for step in path[1:]:
        if isinstance(step, int):
            inner = value.get("L") if isinstance(value, Mapping) else None
            value = inner[step] if isinstance(inner, list) and step < len(inner) else None
        else:
            inner = value.get("M") if isinstance(value, Mapping) else None
            value = inner.get(step) if isinstance(inner, Mapping) else None
        if value is None:
            return None
    return value


def _parent(item: dict[str, Any], path: Path) -> Any:
    parent = get_at(item, path[:-1])
    kind = "L" if isinstance(path[-1], int) else "M"
    if not isinstance(parent, Mapping) or kind not in parent:
        raise Unknown(f"{shown(path[:-1])!r} is not a {'list' if kind == 'L' else 'map'} here")
    return parent[kind]


def set_at(item: dict[str, Any], path: Path, value: Any) -> None:
    """Set ``path`` to ``value``; a list index past the end appends, as DynamoDB does."""
    if len(path) == 1:
        item[str(path[0])] = value
        return
    inner, step = _parent(item, path), path[-1]
    if isinstance(step, int) and step >= len(inner):
        inner.append(value)
    else:
        inner[step] = value


def remove_at(item: dict[str, Any], path: Path) -> None:
    """Remove ``path`` if it is there (a list element's followers move up)."""
    if len(path) == 1:
        item.pop(str(path[0]), None)
        return
    try:
        inner, step = _parent(item, path), path[-1]
    except Unknown:
        return
    if isinstance(step, int):
        if step < len(inner):
            del inner[step]
    else:
        inner.pop(step, None)


# -- values ------------------------------------------------------------------------------


def _number(value: Any) -> Decimal:
    if not isinstance(value, Mapping) or "N" not in value:
        raise Unknown(f"{value!r} is not a number")
    return Decimal(str(value["N"]))


def _number_value(number: Decimal) -> dict[str, str]:
    return {"N": str(number)}


def _evaluate(node: tuple[Any, ...], old: Mapping[str, Any] | None, values: Mapping) -> Any:
    """An operand's typed value; ``old`` is the item before the update (None: unknown)."""
    kind = node[0]
    if kind == "value":
        if node[1] not in values:
            raise Unknown(f"{node[1]} is not in ExpressionAttributeValues")
        return copy.deepcopy(values[node[1]])
    if kind == "path":
        if old is None:
            raise Unknown(f"{shown(node[1])!r} is read from the old item, which is unknown")
        found = get_at(old, node[1])
        if found is None:
            raise Unknown(f"{shown(node[1])!r} is not in the old item")
        return copy.deepcopy(found)
    if kind == "arith":
        with localcontext() as context:
            context.prec = 60  # DynamoDB keeps 38 digits; Decimal's default is 28
            left, right = (
                _number(_evaluate(node[2], old, values)),
                _number(_evaluate(node[3], old, values)),
            )
            return _number_value(left + right if node[1] == "+" else left - right)
    function, args = node[1], node[2]
    if function == "if_not_exists" and len(args) == 2 and args[0][0] == "path":
        if old is None:
            raise Unknown(f"if_not_exists({shown(args[0][1])}, ...) needs the old item")
        found = get_at(old, args[0][1])
        return copy.deepcopy(found) if found is not None else _evaluate(args[1], old, values)
    if function == "list_append" and len(args) == 2:
        first, second = (_evaluate(a, old, values) for a in args)
        if "L" not in first or "L" not in second:
            raise Unknown("list_append of something that is not a list")
        return {"L": first["L"] + second["L"]}
    raise Unknown(f"cannot evaluate {function}(...)")


def _members_equal(kind: str, a: Any, b: Any) -> bool:
    if kind == "NS":
        return Decimal(str(a)) == Decimal(str(b))
    return getattr(a, "value", a) == getattr(b, "value", b)


def added(current: Any, value: Mapping[str, Any]) -> dict[str, Any]:
    """``ADD``: a number summed, a set joined (nothing there: the value itself)."""
    if current is None:
        return copy.deepcopy(dict(value))
    if "N" in value:
        with localcontext() as context:
            context.prec = 60
            return _number_value(_number(current) + _number(value))
    kind = next(iter(value))
    if kind not in SETS or kind not in current:
        raise Unknown(f"ADD of {kind} to {next(iter(current))}")
    members = list(current[kind])
    members += [m for m in value[kind] if not any(_members_equal(kind, m, n) for n in members)]
    return {kind: members}


def deleted(current: Any, value: Mapping[str, Any]) -> dict[str, Any] | None:
    """``DELETE``: the set without the value's members (None: the set is empty, so gone)."""
    if current is None:
        return None
    kind = next(iter(value))
    if kind not in SETS or kind not in current:
        raise Unknown(f"DELETE of {kind} from {next(iter(current))}")
    members = [m for m in current[kind] if not any(_members_equal(kind, m, n) for n in value[kind])]
    return {kind: members} if members else None


# -- the update ------------------------------------------------------------------------


def _nonzero_number(value: Any) -> bool:
    return isinstance(value, Mapping) and "N" in value and Decimal(str(value["N"])) != 0


def updated_item(
    body: Mapping[str, Any], old: Mapping[str, Any] | None, *, known: bool | None = None
) -> Updated:
    """The new item of an UpdateItem body.

    :param body: the UpdateItem parameters (``Key``, ``UpdateExpression``, names and values).
    :param old: the item before the update (None: there was none, or it is unknown).
    :param known: whether ``old`` is known (default: it is known when it is not None); an
        unknown old item gives a floor: the key, the values the update sets outright, and the
        members an ``ADD`` puts in a set.
    """
    known = old is not None if known is None else known
    names = body.get(C.EXPRESSION_ATTRIBUTE_NAMES) or {}
    values = body.get(C.EXPRESSION_ATTRIBUTE_VALUES) or {}
    before = old if known else None
    item: dict[str, Any] = copy.deepcopy(dict(old)) if known and old else {}
    item.update(copy.deepcopy(dict(body.get(C.KEY) or {})))
    notes, changed, removes = [] if known else [UNKNOWN_OLD], set(), []
    exact = known
    for clause, text in clauses(body.get(UPDATE_EXPRESSION) or ""):
        for action in split_top(text):
            path: Path = (action.strip(),)
            try:
                if clause == "REMOVE":
                    path = read_path(action, names)
                    removes.append(path)
                    continue
                if clause == "SET":
                    target, _, operand = action.partition("=")
                    path = read_path(target, names)
                    reader = _Reader(operand, names)
                    node = reader.value()
                    reader.done()
                    if not known and len(path) > 1:
                        raise Unknown("a nested path needs the old item")
                    set_at(item, path, _evaluate(node, before, values))
                    continue
                match = _ADD_ACTION.match(action.strip())
                if not match or match["value"] not in values:
                    raise Unknown(f"cannot read {clause} {action.strip()!r}")
                path, value = read_path(match["path"], names), values[match["value"]]
                if clause == "ADD" and _nonzero_number(value):
                    changed.add(str(path[0]))
                if not known:
                    if len(path) > 1:
                        raise Unknown("a nested path needs the old item")
                    if clause == "ADD":
                        # The sum is unknown: 0 is the smallest number there is (1 byte);
                        # a set holds at least the members added.
                        floor = {"N": "0"} if "N" in value else added(None, value)
                        item[str(path[0])] = floor
                    continue
                new = (added if clause == "ADD" else deleted)(get_at(item, path), value)
                if new is None:
                    remove_at(item, path)
                else:
                    set_at(item, path, new)
            except Unknown as why:
                exact = False
                # Left out, so the new item is never larger than the real one.
                item.pop(str(path[0]), None)
                notes.append(f"UpdateItem: {clause} {shown(path)!r} cannot be applied: {why}")
    # Every REMOVE names an element of the item as it was: remove later list elements first.
    for path in sorted(
        removes, key=lambda p: [(1, -s) if isinstance(s, int) else (0, s) for s in p]
    ):
        remove_at(item, path)
    item.update(copy.deepcopy(dict(body.get(C.KEY) or {})))
    return Updated(item, tuple(notes), exact, frozenset(changed))
