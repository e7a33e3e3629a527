"""Infer key templates (``c#{customer_id}``) from the key values of sample items.

NoSQL Workbench files carry no key templates: a facet only names its keys and holds sample
items. The values usually show the template anyway (``c#12345``, ``c#23456`` give
``c#{...}``), and this module reads it back, naming each field after a stored attribute that
holds the same values where there is one (so ``EMAIL#ada@example.com`` next to
``email: ada@example.com`` gives ``EMAIL#{email}``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...model.entities import KeyTemplate

SEPARATOR = "#"
_TAG = re.compile(r"^[A-Za-z][A-Za-z_-]*$")  # a literal such as ORDER, PROFILE, c, sh
_IDENT = re.compile(r"[^A-Za-z0-9_]+")

Namer = Callable[[list[str], str], str]
"""``namer(values, literal_before)`` gives the field name for a column of field values."""


@dataclass
class Inferred:
    """A key template read from sample values.

    :param template: the template, e.g. ``c#{c_id}``.
    :param fields: each field of the template and its value in every sample, in order.
    :param prefixed: whether the template starts with literal text (the values showed a prefix).
    """

    template: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    prefixed: bool = True

    @property
    def single_field(self) -> str | None:
        """The field name when the template is exactly one field (``{created_at}``)."""
        names = list(self.fields)
        return names[0] if len(names) == 1 and self.template == "{" + names[0] + "}" else None


def identifier(text: str, fallback: str = "value") -> str:
    """``text`` as a template field name: ``Customer ID`` gives ``Customer_ID``."""
    name = _IDENT.sub("_", text).strip("_")
    if not name:
        return fallback
    return f"_{name}" if name[0].isdigit() else name


def _escape(literal: str) -> str:
    return literal.replace("{", "{{").replace("}", "}}")


def _is_literal(column: list[str], distinct_values: int) -> bool:
    """A segment is literal text when every sample has the same one and it reads as a tag,
    or when the whole values differ elsewhere (so this part is clearly fixed)."""
    first = column[0]
    if any(value != first for value in column):
        return False
    return bool(_TAG.match(first)) or distinct_values > 1


def infer(
    values: Sequence[Any], namer: Namer, known: Callable[[list[str]], bool] | None = None
) -> Inferred | None:
    """The template that every value in ``values`` fits, or None for no values.

    Values are split at ``#``; segments that are the same in every sample become literal
    text, the others become fields (named by ``namer``). Values of different shapes keep the
    common leading part and put the rest into one last field.

    :param values: the key's value in each sample item (non-strings give ``{field}``).
    :param namer: names a field from its values and the literal text before it.
    :param known: True for a column of values that an existing field holds: a field even
        when it is the same in every sample (two orders that are both ``paid``).
    """
    if not values:
        return None
    if not all(isinstance(v, str) for v in values):
        column = [str(v) for v in values]
        name = namer(column, "")
        return Inferred("{" + name + "}", {name: column}, prefixed=False)
    splits = [v.split(SEPARATOR) for v in values]
    distinct = len(set(values))
    shortest = min(len(s) for s in splits)
    same_shape = all(len(s) == shortest for s in splits)
    # Positions inferred one by one; with ragged shapes the last one takes the rest.
    positions = shortest if same_shape else shortest - 1
    columns = [[s[i] for s in splits] for i in range(positions)]
    if not same_shape:
        columns.append([SEPARATOR.join(s[positions:]) for s in splits])
    template, literal, fields = "", "", {}
    last = len(columns) - 1
    for i, column in enumerate(columns):
        reused = known is not None and known(column)
        fixed = not reused and (i < last or same_shape) and _is_literal(column, distinct)
        if fixed:
            literal += column[0]
        else:
            name = namer(column, literal.rstrip(SEPARATOR))
            while name in fields and fields[name] != column:
                name += "_"
            fields[name] = column
            template += _escape(literal) + "{" + name + "}"
            literal = ""
        if i < last:
            literal += SEPARATOR
    template += _escape(literal)
    inferred = Inferred(template, fields, prefixed=not template.startswith("{"))
    if not _fits(inferred, values):
        # A lazy match can split ragged values differently: one field for the rest is safe.
        name = namer([str(v) for v in values], "")
        return Inferred("{" + name + "}", {name: list(values)}, prefixed=False)
    return inferred


def _fits(inferred: Inferred, values: Sequence[str]) -> bool:
    tpl = KeyTemplate(inferred.template)
    for row, value in enumerate(values):
        if not tpl.matches(value):
            return False
        parsed = tpl.parse(value)
        if any(parsed[name] != column[row] for name, column in inferred.fields.items()):
            return False
    return True


def template_fields(template: str, values: Sequence[Any]) -> Inferred | None:
    """An explicit template (e.g. a NoSQL Workbench key alias that is one) checked on values.

    :returns: the template and each field's values, or None when it is not a valid template
        or some value does not fit it.
    """
    if "{" not in template:
        # A constant (``PROFILE``) only when every value is it: ``PK`` is just a column name.
        if values and all(value == template for value in values):
            return Inferred(template, {}, prefixed=True)
        return None
    try:
        tpl = KeyTemplate(template)
    except Exception:
        return None
    fields: dict[str, list[Any]] = {name: [] for name in tpl.fields}
    for value in values:
        if tpl.template == "{" + "".join(tpl.fields) + "}" and len(tpl.fields) == 1:
            fields[tpl.fields[0]].append(value)  # a whole-value field keeps its type
            continue
        if not tpl.matches(value):
            return None
        for name, part in tpl.parse(value).items():
            fields[name].append(part)
    return Inferred(tpl.template, fields, prefixed=bool(tpl.prefix))
