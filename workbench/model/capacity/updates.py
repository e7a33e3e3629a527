"""The item an UpdateItem leaves behind, as far as the request alone tells (for its capacity)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ... import constants as C
from ..update_expression import clauses, split_top

_PLACEHOLDER = re.compile(r":[A-Za-z0-9_]+")
UPDATE_EXPRESSION = "UpdateExpression"


def _top_name(path: str, names: Mapping[str, str]) -> tuple[str, bool]:
    """The top-level attribute a path writes, and whether the path is nested."""
    first = re.split(r"[.\[]", path.strip(), maxsplit=1)[0]
    nested = first != path.strip()
    return names.get(first, first), nested


def updated_item(
    body: Mapping[str, Any], old: Mapping[str, Any] | None
) -> tuple[dict[str, Any], list[str]]:
    """The new item of an UpdateItem body: ``old`` (or the key alone) with its SET, ADD and
    REMOVE applied at the top level, and notes on what could not be known.

    A SET whose value is one ``:placeholder`` (also inside ``if_not_exists``/``list_append``)
    takes that value; a nested path (``a.b``, ``a[0]``) keeps the old attribute and says so.
    """
    names = body.get(C.EXPRESSION_ATTRIBUTE_NAMES) or {}
    values = body.get(C.EXPRESSION_ATTRIBUTE_VALUES) or {}
    item = dict(old) if old else {}
    item.update(body.get(C.KEY) or {})
    notes: list[str] = []
    if old is None:
        notes.append(
            "UpdateItem: the old item is unknown, so its size is computed from the key "
            "and the values the update sets"
        )
    for clause, text in clauses(body.get(UPDATE_EXPRESSION) or ""):
        for action in split_top(text):
            if clause == "REMOVE":
                name, nested = _top_name(action, names)
                if not nested:
                    item.pop(name, None)
                continue
            if clause == "SET":
                path, _, operand = action.partition("=")
            else:  # ADD / DELETE: "path :value"
                path, _, operand = action.strip().partition(" ")
            name, nested = _top_name(path, names)
            found = [values[p] for p in _PLACEHOLDER.findall(operand) if p in values]
            if nested or len(found) != 1:
                if name not in item:
                    notes.append(f"UpdateItem: the new value of {name!r} is not known exactly")
                continue
            if clause == "SET":
                item[name] = found[0]
            elif clause == "ADD":
                item[name] = _added(item.get(name), found[0])
    return item, notes


def _added(current: Mapping[str, Any] | None, value: Mapping[str, Any]) -> Mapping[str, Any]:
    """ADD on a set grows it; on a number the sum has about the size of the larger one."""
    if current and len(value) == 1 and next(iter(value)) in ("SS", "NS", "BS"):
        kind = next(iter(value))
        if kind in current:
            members = list(current[kind]) + [m for m in value[kind] if m not in current[kind]]
            return {kind: members}
    return value if not current else max((current, value), key=lambda v: len(str(v)))
