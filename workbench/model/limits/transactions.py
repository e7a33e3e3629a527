"""A transaction's actions DynamoDB refuses one by one: each refusal is a cancellation reason
(``ValidationError``), not the whole request's ``ValidationException``.

DynamoDB refuses some of a transaction's faults for the whole request (an empty key value, a
Put over 400 KB, one item named twice: :mod:`.keys`, :mod:`.checks`) and cancels it for others,
answering ``TransactionCanceledException`` with one reason per action, ``None`` for the actions
that passed ("Transaction cancelled, please refer cancellation reasons for specific reasons
[ValidationError]"):

- a Put whose item has a table key of the wrong type or not a scalar: "One or more parameter
  values were invalid: Type mismatch for key pk expected: S actual: N", or lacks one:
  "One or more parameter values were invalid: Missing the key pk in the item";
- a Put, or an Update's SET, giving an index key the wrong type: "One or more parameter values
  were invalid: Type mismatch for Index Key k Expected: S Actual: N IndexName: i" (the first
  index by name that the attribute keys);
- an Update, Delete, ConditionCheck or Get whose ``Key`` is not the table's key (an attribute
  missing, another one, a wrong type): "The provided key element does not match the schema".

https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html#API_TransactWriteItems_Errors
The messages and which faults cancel are DynamoDB's as the dynamodb-conformance suite
(calibrated against DynamoDB in four regions) records them. Pure: the moto patch
(:mod:`workbench.engine.motoexpressions`) answers with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ... import constants as C
from . import grammar
from .messages import INDEX_TYPE_MISMATCH, KEY_SCHEMA_MISMATCH, KEY_TYPE_MISMATCH
from .schema import KeySchema

VALIDATION_ERROR = "ValidationError"
MISSING_KEY = "One or more parameter values were invalid: Missing the key {name} in the item"
_KEYED = ("Update", "Delete", "ConditionCheck", "Get")


def _set_literals(body: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level attributes an Update's expression SETs to one value: name to typed value."""
    names = body.get(C.EXPRESSION_ATTRIBUTE_NAMES) or {}
    values = body.get(C.EXPRESSION_ATTRIBUTE_VALUES) or {}
    try:
        actions = grammar.update(str(body.get("UpdateExpression") or ""))
    except grammar.ExpressionSyntax:
        return {}  # the expression's own refusal comes first
    return {
        str(names.get(action.path.parts[0], action.path.parts[0])): values[action.value.name]
        for action in actions
        if action.clause == "SET"
        and len(action.path.parts) == 1
        and isinstance(action.value, grammar.Value)
        and action.value.name in values
    }


def _type(value: Any) -> str | None:
    return str(next(iter(value))) if isinstance(value, Mapping) and len(value) == 1 else None


def _index_problem(written: Mapping[str, Any], schema: KeySchema) -> str | None:
    for index in sorted(schema.indexes):
        for name in schema.indexes[index]:
            if name is None or name not in written:
                continue
            actual, expected = _type(written[name]), schema.types.get(name)
            if actual and expected and actual != expected:
                return INDEX_TYPE_MISMATCH.format(
                    name=name, expected=expected, actual=actual, index=index
                )
    return None


def _put_problem(item: Any, schema: KeySchema) -> str | None:
    if not isinstance(item, Mapping):
        return None  # malformed: refused before
    for name in schema.key_names:
        if name not in item:
            return MISSING_KEY.format(name=name)
        actual, expected = _type(item[name]), schema.types.get(name)
        if actual and expected and actual != expected:
            return KEY_TYPE_MISMATCH.format(name=name, expected=expected, actual=actual)
    return _index_problem(item, schema)


def _key_problem(key: Any, schema: KeySchema) -> str | None:
    if not isinstance(key, Mapping) or set(key) != set(schema.key_names):
        return KEY_SCHEMA_MISMATCH
    for name in schema.key_names:
        if _type(key[name]) != schema.types.get(name):
            return KEY_SCHEMA_MISMATCH
    return None


def action_problem(kind: str, body: Mapping[str, Any], schema: KeySchema) -> str | None:
    """The reason DynamoDB cancels a transaction for one action, or None if it passes.

    :param kind: ``Put``, ``Update``, ``Delete``, ``ConditionCheck`` or ``Get``.
    :param body: the action's parameters.
    :param schema: its table's keys.
    """
    if kind == C.PUT:
        return _put_problem(body.get(C.ITEM), schema)
    if kind not in _KEYED:
        return None
    problem = _key_problem(body.get(C.KEY), schema)
    if problem is None and kind == "Update":
        problem = _index_problem(_set_literals(body), schema)
    return problem


def cancellation_reasons(
    params: Mapping[str, Any], schemas: Mapping[str, KeySchema]
) -> list[str | None] | None:
    """Each action's cancellation message, None for those that pass, in order; None when
    every action passes (an action on a table missing from ``schemas`` passes: the engine
    reports the table).

    :param params: a TransactWriteItems or TransactGetItems request's parameters.
    """
    reasons: list[str | None] = []
    for action in params.get(C.TRANSACT_ITEMS) or []:
        problem = None
        for kind, body in action.items() if isinstance(action, Mapping) else ():
            schema = schemas.get(body.get(C.TABLE_NAME)) if isinstance(body, Mapping) else None
            if schema is not None:
                problem = action_problem(kind, body, schema)
        reasons.append(problem)
    return reasons if any(reason is not None for reason in reasons) else None
