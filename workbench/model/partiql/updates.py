"""What an UPDATE does to an item: its SET and REMOVE actions, and what RETURNING answers.

As UpdateItem's SET does (developer guide, "PartiQL update statements for DynamoDB"): a value
is worked out on the item as it was before the statement, ``set_add`` and ``set_delete``
change a set in place (DynamoDB keeps no empty set), and a path's parent must exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import syntax as S
from . import values as V
from .conditions import Scope
from .syntax import refused

Item = dict[str, V.Value]


def assign(new: Item, old: Item, action: S.Assign, scope: Scope) -> None:
    """One SET: its value is worked out on the item as it was before the UPDATE."""
    value = action.value
    if isinstance(value, S.Call) and value.name in ("set_add", "set_delete"):
        name = value.name.upper()
        where = value.token.at()
        if len(value.args) != 2:
            raise refused(f"{name} must have exactly two arguments {where}")
        target, change = value.args
        if target != action.path:
            raise refused(f"The first argument to {name} must equal the assignment value {where}")
        members = scope.value(change, old)
        if V.kind(members) not in ("SS", "NS", "BS"):
            raise refused(f"The second argument to {name} must be a value with type SET {where}")
        current = V.get(old, action.path.steps)
        typ = V.kind(members)
        if current is not None and V.kind(current) != typ:
            raise refused("An operand in the update expression has an incorrect data type")
        have = list(current[typ]) if current else []  # type: ignore[index]
        if value.name == "set_add":
            result = have + [m for m in members[typ] if not _member(have, m, typ)]  # type: ignore[index]
        else:
            result = [m for m in have if not _member(members[typ], m, typ)]  # type: ignore[index]
        if result:
            V.put(new, action.path.steps, {typ: result})  # type: ignore[dict-item]
        else:
            V.remove(new, action.path.steps)  # DynamoDB keeps no empty set
        return
    computed = scope.value(value, old)  # type: ignore[arg-type]
    if computed is None:
        raise refused(
            "The provided expression refers to an attribute that does not exist in the item"
        )
    V.put(new, action.path.steps, computed)


def _member(members: Sequence[Any], candidate: Any, typ: str) -> bool:
    return any(V.equal({typ[0]: m}, {typ[0]: candidate}) for m in members)


def returned(returning: str | None, old: Item, new: Item, changed: set[str]) -> list[Item]:
    if returning is None:
        return []
    which, side = returning.split()
    item = old if side == "OLD" else new
    if which == "ALL":
        return [item]
    modified = {k: v for k, v in item.items() if k in changed}
    return [modified] if modified else []
