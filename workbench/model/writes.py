"""The write actions of an access pattern: the body of each Put, Update, Delete or
ConditionCheck, alone or as one member of a TransactWriteItems.

Pure: no boto3, no network (the stream Lambda ships it, through the request builder).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import constants as C
from ..errors import ModelError
from .entities import Entity
from .expressions import Names, Renderer, value_placeholder
from .items import to_attr, to_item
from .patterns import Action
from .requests import delete, put


def derived_index_keys(entity: Entity, action: Action, known: Mapping[str, Any]) -> dict[str, Any]:
    """Index key attributes whose templates use a field ``action`` sets, rebuilt.

    :raises ModelError: if such a template also needs a field the update does not know
        (the index key could not be rebuilt, and would go stale).
    """
    derived: dict[str, Any] = {}
    for attr, template in entity.index_keys.items():
        uses = set(template.fields)
        if attr in action.set or not uses & set(action.set):
            continue
        missing = sorted(f for f in uses if known.get(f) is None)
        if missing:
            raise ModelError(
                f"pattern updating {entity.name}: it sets {sorted(uses & set(action.set))}, "
                f"which index key {attr!r} ({template.template}) is built from, but "
                f"{missing} is not given: pass it too, or the index key goes stale"
            )
        derived[attr] = template.build(known)
    return derived


def _update_expression(
    entity: Entity,
    action: Action,
    values: Mapping[str, Any],
    params: Mapping[str, Any],
    renderer: Renderer,
    names: Names,
    all_values: dict[str, Any],
) -> str:
    """The UpdateExpression of an Update; adds its ``:values`` to ``all_values``."""
    clauses = []
    sets = []
    known = dict(values)
    for attr, template in action.set.items():
        placeholder = value_placeholder(attr)
        all_values[placeholder] = renderer.render(template, params, entity.type_of(attr))
        known[attr] = all_values[placeholder]
        sets.append(f"{names(attr)} = {placeholder}")
    for attr, value in derived_index_keys(entity, action, known).items():
        # An index key built from a field this update sets moves with it; left alone,
        # the item would stay under its old index key.
        placeholder = value_placeholder(attr)
        all_values[placeholder] = value
        sets.append(f"{names(attr)} = {placeholder}")
    if sets:
        clauses.append("SET " + ", ".join(sets))
    if action.remove:
        clauses.append("REMOVE " + ", ".join(names(a) for a in action.remove))
    return " ".join(clauses)


def action_body(
    entity: Entity,
    action: Action,
    table_name: str,
    params: Mapping[str, Any],
    renderer: Renderer,
) -> tuple[str, dict[str, Any]]:
    """``(kind, body)`` of one write: a Put, Update, Delete or ConditionCheck.

    :param entity: the entity ``action`` writes.
    :param renderer: renders the action's templates from ``params``.
    :raises ModelError: naming a missing parameter, or an index key an Update would leave stale.
    """
    values = renderer.entity_values(entity, action.fields, params)
    condition_values = {k: renderer.render(v, params) for k, v in action.condition_values.items()}
    if action.kind == "Put":
        body = put(
            table_name,
            entity.item(**values),
            condition=action.condition,
            values=condition_values,
        )
        return C.PUT, body
    key = entity.key(**values)
    if action.kind == "Delete":
        body = delete(table_name, key, condition=action.condition, values=condition_values)
        return C.DELETE, body
    body = {C.TABLE_NAME: table_name, C.KEY: to_item(key)}
    names = Names()
    all_values: dict[str, Any] = dict(condition_values)
    if action.kind == "Update":
        body[C.UPDATE_EXPRESSION] = _update_expression(
            entity, action, values, params, renderer, names, all_values
        )
    if action.condition:
        body[C.CONDITION_EXPRESSION] = action.condition
    if names.names:
        body[C.EXPRESSION_ATTRIBUTE_NAMES] = dict(names.names)
    if all_values:
        body[C.EXPRESSION_ATTRIBUTE_VALUES] = {k: to_attr(v) for k, v in all_values.items()}
    return (C.UPDATE if action.kind == "Update" else C.CONDITION_CHECK), body
