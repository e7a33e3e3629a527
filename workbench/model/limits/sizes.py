"""Item sizes as the checks measure them, and what a standalone ``UpdateItem`` is measured
at against the 400 KB item limit.

Every write surface refuses an item over 409,600 bytes by DynamoDB's item size rules
(:func:`workbench.model.capacity.item_size`). ``UpdateItem`` alone also refuses when what its
expression writes, plus a fixed cost per action, is over the limit:

    max(finished item, attributes the update writes + action cost) <= 409,600

"The attributes the update writes" are the top-level attributes its SET and ADD actions
reach (name and finished value, whole, however deep the path); the key and the
attributes it leaves alone are not counted. The action cost is 3 bytes for the update, 19 per
SET or ADD action (20 through a list index) and 2 per REMOVE or DELETE action, whatever the
value, its type, the attribute name or its alias. These figures are not documented: they are
as DynamoDB answers (dynamodb-conformance's byte-exact captures against eu-west-2, 2026). A
transacted Update, a PartiQL UPDATE and every put are measured on the finished item alone.
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any

from ...errors import WorkbenchError
from ..capacity.sizes import item_size
from ..update_expression import clauses, split_top

UPDATE_COST = 3
SET_COST = 19  # also ADD
LIST_INDEX_COST = 1  # more, for a SET through a list index
REMOVE_COST = 2  # also DELETE

_HEAD = re.compile(r"\s*(#?[^\s.\[=]+)")


def _path(keyword: str, action: str) -> str:
    """The document path an action writes: before ``=`` for SET, the first word otherwise."""
    if keyword == "SET":
        return action.split("=", 1)[0].strip()
    return action.strip().split(None, 1)[0] if action.strip() else ""


def actions(expression: str, names: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """``(keyword, top-level attribute, path)`` of each action of an UpdateExpression, with
    ``#name`` placeholders resolved (left as written when undefined)."""
    names = names or {}
    found = []
    for keyword, body in clauses(expression or ""):
        for action in split_top(body):
            path = _path(keyword, action)
            head = _HEAD.match(path)
            if head:
                found.append((keyword, names.get(head.group(1), head.group(1)), path))
    return found


def action_cost(expression: str) -> int:
    """The bytes an UpdateItem's actions cost beyond the attributes they write."""
    cost = UPDATE_COST
    for keyword, _, path in actions(expression):
        if keyword in ("SET", "ADD"):
            cost += SET_COST + (LIST_INDEX_COST if keyword == "SET" and "[" in path else 0)
        else:
            cost += REMOVE_COST
    return cost


def written_attributes(expression: str, names: Mapping[str, str] | None = None) -> set[str]:
    """The top-level attributes an UpdateExpression's SET and ADD actions write (a DELETE,
    like a REMOVE, is charged as an action only)."""
    return {name for keyword, name, _ in actions(expression, names) if keyword in ("SET", "ADD")}


def item_bytes(item: Mapping[str, Any]) -> int:
    """Bytes of a typed item in a request by DynamoDB's rules, its binaries given as bytes or
    as base64 text (0 when malformed: the engine reports that)."""
    try:
        return item_size({name: _raw_binaries(value) for name, value in item.items()})
    except (WorkbenchError, AttributeError, TypeError, ValueError):
        return 0


def _raw_binaries(value: Any) -> Any:
    """A typed value with its binaries as bytes: the wire carries them as base64 text, which
    is a third longer than what DynamoDB counts (boto3 client params carry bytes already)."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return value
    ((kind, inner),) = value.items()
    if kind == "B" and isinstance(inner, str):
        return {"B": _decoded(inner)}
    if kind == "BS" and isinstance(inner, list):
        return {"BS": [_decoded(m) if isinstance(m, str) else m for m in inner]}
    if kind == "L" and isinstance(inner, list):
        return {"L": [_raw_binaries(member) for member in inner]}
    if kind == "M" and isinstance(inner, Mapping):
        return {"M": {key: _raw_binaries(member) for key, member in inner.items()}}
    return value


def _decoded(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text.encode("utf-8")  # not base64: sized as its text
