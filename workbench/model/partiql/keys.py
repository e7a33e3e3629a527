"""The one item a statement names: the equalities on its key attributes in the WHERE.

An UPDATE or DELETE must name one item with an equality on every key attribute, AND-ed at the
top of its WHERE ("Where clause does not contain a mandatory equality on all key attributes");
the rest of the WHERE is a condition on the write. A SELECT with an equality on the partition
key reads one item collection (DynamoDB runs it as a Query).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from . import syntax as S
from . import values as V
from .conditions import Scope
from .syntax import refused

if TYPE_CHECKING:  # pragma: no cover
    from ..limits.schema import KeySchema

Value = V.Value
Item = dict[str, Value]
KEY_EQUALITY = "Where clause does not contain a mandatory equality on all key attributes"


def conjuncts(where: S.Expr | None) -> list[S.Expr]:
    """The conditions AND-ed at the top of a WHERE clause."""
    if where is None:
        return []
    if isinstance(where, S.Binary) and where.op == "and":
        return conjuncts(where.left) + conjuncts(where.right)
    return [where]


def key_conditions(
    where: S.Expr | None, keys: Sequence[str], scope: Scope
) -> tuple[dict[str, list[Value]], list[S.Expr]]:
    """The equalities ``key = value`` AND-ed at the top of the WHERE, per key attribute, and
    the other conditions."""
    found: dict[str, list[Value]] = {}
    rest: list[S.Expr] = []
    for condition in conjuncts(where):
        name, value = _key_equality(condition, keys)
        if name is None:
            rest.append(condition)
        else:
            found.setdefault(name, []).append(scope.value(value, None))  # type: ignore[arg-type]
    return found, rest


def _key_equality(condition: S.Expr, keys: Sequence[str]) -> tuple[str | None, S.Expr | None]:
    if not (isinstance(condition, S.Binary) and condition.op == "="):
        return None, None
    for path, value in ((condition.left, condition.right), (condition.right, condition.left)):
        if (
            isinstance(path, S.Path)
            and len(path.steps) == 1
            and path.name in keys
            and isinstance(value, S.Literal | S.Param)
        ):
            return path.name, value
    return None, None


def write_key(
    where: S.Expr | None, schema: KeySchema, scope: Scope, table: str
) -> tuple[Item, list[S.Expr]]:
    """The key an UPDATE or DELETE names, and its condition on the item."""
    found, rest = key_conditions(where, schema.key_names, scope)
    if any(name not in found for name in schema.key_names):
        raise refused(KEY_EQUALITY, table)
    for name, matched in found.items():
        if len(matched) > 1:
            raise refused(
                f"Multiple conditions on same key {name}. Only single item Update/Insert/Delete "
                "are supported",
                table,
            )
    key = {name: found[name][0] for name in schema.key_names}
    check_key_types(key, schema, table)
    return key, rest


def key_types_match(key: Mapping[str, Value], schema: KeySchema) -> bool:
    return all(V.kind(v) == schema.types.get(k, V.kind(v)) for k, v in key.items())


def check_key_types(key: Mapping[str, Value], schema: KeySchema, table: str) -> None:
    for name, value in key.items():
        if V.kind(value) not in ("S", "N", "B"):
            raise refused(
                f"Key value must be of type S, N, or B. Key name: {name}, Key type: "
                f"{V.kind(value)}",
                table,
            )
        if V.kind(value) != schema.types.get(name, V.kind(value)):
            raise refused(
                f"Key attribute's data type should match its data type in table's schema: "
                f"Key {name}",
                table,
            )
