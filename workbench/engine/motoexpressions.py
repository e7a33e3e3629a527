"""Where moto reads an expression or a transaction otherwise than DynamoDB, put right inside
moto (issue 18).

- A KeyConditionExpression is read by the workbench's reader of DynamoDB's grammar
  (:func:`workbench.model.limits.expressions.key_conditions`): moto's own took
  ``((#pk = :pk)) AND ((#sk = :sk))`` for an unused ``#sk``, and refused a value on the left
  (``:lo <= #sk``), which DynamoDB reads as ``#sk >= :lo``. moto's schema rules (a missing key,
  a condition a key does not support) still judge the conditions read; what the reader does
  not take is left to moto's own reader.
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html
- A parenthesised SET value (``SET c = (c - :v)``) is the value inside: moto built a node it
  could not evaluate (HTTP 500).
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
- The legacy ``Expected`` of PutItem, UpdateItem and DeleteItem is turned into the
  ConditionExpression it means, joined by its ``ConditionalOperator``: moto always joined
  conditions with AND, and DeleteItem ignored ``Expected``.
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.Expected.html
- A TransactWriteItems or TransactGetItems action DynamoDB refuses by itself (a key of the
  wrong type, a Key that is not the table's) cancels the transaction with a
  ``ValidationError`` reason (:mod:`workbench.model.limits.transactions`): moto refused the
  whole request, accepted it, or failed with HTTP 500.

Guarded like :mod:`workbench.engine.motoindex`, by the moto versions it was written for; outside
them nothing is patched. Installed in the managed server and for in-process moto.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..model.limits import expressions, transactions
from . import mototables
from .motopatch import MotoPatch, Patch, Wrapping

_LEGACY = ("put_item", "update_item", "delete_item")
_TRANSACTIONS = ("transact_write_items", "transact_get_items")
# Legacy comparison operators and their expression comparators.
_COMPARATORS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
_FUNCTIONS = {"CONTAINS": "contains", "BEGINS_WITH": "begins_with"}


def _patches() -> list[Patch]:
    from moto.dynamodb import responses
    from moto.dynamodb.parsing import expressions as parsing

    handler = responses.DynamoHandler
    return [
        (responses, "parse_expression", _parse_key_condition),
        (parsing.UpdateExpressionGroupedValueParser, "_parse", _grouped),
        *[(handler, name, Wrapping(_with_expected)) for name in _LEGACY],
        *[(handler, name, Wrapping(_validated)) for name in _TRANSACTIONS],
    ]


_patch = MotoPatch(_patches)
# The module's public functions: install() -> bool (False outside the supported moto
# versions), uninstall() (for tests) and installed().
install, uninstall, installed = _patch.install, _patch.uninstall, _patch.installed


# -- expressions -------------------------------------------------------------------------


def _parse_key_condition(
    key_condition_expression: str,
    expression_attribute_values: dict[str, Any],
    expression_attribute_names: dict[str, str],
    schema: list[dict[str, str]],
) -> Any:
    from moto.dynamodb.parsing.key_condition_expression import validate_schema

    read = expressions.key_conditions(
        key_condition_expression,
        expression_attribute_names or {},
        expression_attribute_values or {},
    )
    if read is None:
        return _patch.original("responses.parse_expression")(
            key_condition_expression,
            expression_attribute_values,
            expression_attribute_names,
            schema,
        )
    conditions, names_used = read
    hash_conditions, range_conditions = validate_schema(conditions, schema)
    return hash_conditions, range_conditions, names_used


def _grouped(self: Any) -> Any:
    from moto.dynamodb.parsing.expressions import UpdateExpressionValueParser
    from moto.dynamodb.parsing.tokens import Token

    self.process_token_of_type(Token.OPEN_ROUND_BRACKET)
    value, self.token_pos = UpdateExpressionValueParser(
        **self._initializer_args()
    )._parse_with_pos()
    self.process_token_of_type(Token.CLOSE_ROUND_BRACKET)
    return value  # the parentheses only group: the value is the node


# -- legacy conditions -------------------------------------------------------------------


def legacy_condition(
    expected: Mapping[str, Any], operator: str = "AND"
) -> tuple[str, dict[str, str], dict[str, Any]] | None:
    """The ConditionExpression, names and values an ``Expected`` map means, its conditions
    joined by ``operator``; None for one DynamoDB would refuse (moto words the refusal).

    :param expected: attribute name to ``{"Exists": ..., "Value": ...}`` or
        ``{"ComparisonOperator": ..., "AttributeValueList": [...]}``.
    """
    names: dict[str, str] = {}
    values: dict[str, Any] = {}

    def value(typed: Any) -> str:
        placeholder = f":legacy{len(values)}"
        values[placeholder] = typed
        return placeholder

    parts = []
    for attribute, condition in expected.items():
        if not isinstance(condition, Mapping):
            return None
        name = f"#legacy{len(names)}"
        names[name] = attribute
        part = _legacy_part(name, condition, value)
        if part is None:
            return None
        parts.append(f"({part})")
    if not parts or operator not in ("AND", "OR"):
        return None
    return f" {operator} ".join(parts), names, values


def _legacy_part(name: str, condition: Mapping[str, Any], value: Callable[[Any], str]) -> Any:
    operator = condition.get("ComparisonOperator")
    if operator is None:
        if condition.get("Exists") is False and "Value" not in condition:
            return f"attribute_not_exists({name})"
        if "Value" in condition and condition.get("Exists", True) is True:
            return f"{name} = {value(condition['Value'])}"
        return None
    given = condition.get("AttributeValueList")
    args = list(given) if isinstance(given, list) else []
    if "Value" in condition and not args:
        args = [condition["Value"]]
    counts = {"NULL": 0, "NOT_NULL": 0, "BETWEEN": 2}
    if (not args) if operator == "IN" else len(args) != counts.get(operator, 1):
        return None  # DynamoDB refuses the count (moto words it)
    if operator in _COMPARATORS:
        return f"{name} {_COMPARATORS[operator]} {value(args[0])}"
    if operator in _FUNCTIONS:
        return f"{_FUNCTIONS[operator]}({name}, {value(args[0])})"
    simple = {
        "NULL": f"attribute_not_exists({name})",
        "NOT_NULL": f"attribute_exists({name})",
    }
    if operator in simple:
        return simple[operator]
    if operator == "NOT_CONTAINS":
        return f"NOT contains({name}, {value(args[0])})"
    if operator == "BETWEEN":
        return f"{name} BETWEEN {value(args[0])} AND {value(args[1])}"
    if operator == "IN":
        return f"{name} IN ({', '.join(value(arg) for arg in args)})"
    return None


def _with_expected(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def handler(self: Any) -> Any:
        body = self.body
        expected = body.get("Expected")
        expressions_given = any(
            key in body
            for key in (
                "ConditionExpression",
                "ExpressionAttributeNames",
                "ExpressionAttributeValues",
            )
        )
        if isinstance(expected, Mapping) and expected and not expressions_given:
            read = legacy_condition(expected, str(body.get("ConditionalOperator") or "AND"))
            if read is not None:
                condition, names, values = read
                for key in ("Expected", "ConditionalOperator"):
                    body.pop(key, None)
                body.update(ConditionExpression=condition, ExpressionAttributeNames=names)
                if values:  # an empty map is refused
                    body["ExpressionAttributeValues"] = values
        return original(self)

    handler.__name__ = original.__name__
    return handler


# -- transactions ------------------------------------------------------------------------


def _validated(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def handler(self: Any) -> Any:
        from moto.dynamodb.exceptions import TransactionCanceledException

        reasons = _reasons(self.dynamodb_backend, self.body)
        if reasons is not None:
            code = transactions.VALIDATION_ERROR
            raise TransactionCanceledException(
                [(code, reason, None) if reason else (None, None, None) for reason in reasons]
            )
        return original(self)

    handler.__name__ = original.__name__
    return handler


def _reasons(backend: Any, body: Mapping[str, Any]) -> list[str | None] | None:
    schemas = {}
    for action in body.get("TransactItems") or []:
        for op in action.values() if isinstance(action, Mapping) else ():
            name = op.get("TableName") if isinstance(op, Mapping) else None
            if isinstance(name, str) and name in backend.tables:
                schemas[name] = mototables.key_schema(backend.tables[name])
    return transactions.cancellation_reasons(body, schemas)
