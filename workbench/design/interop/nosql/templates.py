"""Infer key templates (``c#{customer_id}``) from the key values of sample items.

NoSQL Workbench files carry no key templates: a facet only names its keys and holds sample
items. The values usually show the template anyway (``c#12345``, ``c#23456`` give
``c#{...}``). :func:`shape` reads which parts of the values are literal text and which are
fields; naming the fields is the caller's (:mod:`.naming` names them after the stored
attribute that holds the same values, the facet's alias or the key's prefix), or a plain
``namer``'s (:func:`infer`).

Separators: ``#``, and ``:`` (``User:UserA``, ``ORDER:7``) except between two digits, so the
colons of a time (``2026-01-01T10:00``) stay inside one field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ....model.entities import KeyTemplate

SEPARATOR = "#"
SEPARATORS = "#:"
_TAG = re.compile(r"^[A-Za-z][A-Za-z_-]*$")  # a literal such as ORDER, PROFILE, c, sh
_CONSTANT = re.compile(r"^[A-Z][A-Z_-]+$")  # a whole-value literal such as PROFILE, METADATA
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
    fields: dict[str, list[Any]] = field(default_factory=dict)
    prefixed: bool = True

    @property
    def single_field(self) -> str | None:
        """The field name when the template is exactly one field (``{created_at}``)."""
        names = list(self.fields)
        return names[0] if len(names) == 1 and self.template == "{" + names[0] + "}" else None


@dataclass
class Shape:
    """Which parts of a key's sample values are literal text and which are fields.

    :param literals: the literal text before each field, then the text after the last one.
    :param columns: each field's value in every sample, in order.
    """

    literals: list[str]
    columns: list[list[Any]]

    def template(self, names: Sequence[str]) -> str:
        """The template with ``names`` for the fields, in order."""
        pairs = zip(self.literals[:-1], names, strict=True)
        parts = [_escape(lit) + "{" + name + "}" for lit, name in pairs]
        return "".join(parts) + _escape(self.literals[-1])

    def literal_before(self, position: int) -> str:
        """The literal text right before field ``position``, without its last separator
        (``ORDER#1#ITEM`` before the item's field)."""
        return _unseparated(self.literals[position])

    def tag_before(self, position: int) -> str:
        """The word right before field ``position`` (``ITEM`` in ``ORDER#1#ITEM#{...}``)."""
        return tag_of(self.literals[position])

    def inferred(self, names: Sequence[str]) -> Inferred:
        """The :class:`Inferred` template with ``names`` for the fields."""
        fields = dict(zip(names, self.columns, strict=True))
        return Inferred(self.template(names), fields, prefixed=bool(self.literals[0]))


def identifier(text: str, fallback: str = "value") -> str:
    """``text`` as a template field name: ``Customer ID`` gives ``Customer_ID``."""
    name = _IDENT.sub("_", text).strip("_")
    if not name:
        return fallback
    return f"_{name}" if name[0].isdigit() else name


def _unseparated(text: str) -> str:
    return text[:-1] if text[-1:] and text[-1] in SEPARATORS else text


def tag_of(literal: str) -> str:
    """The word a literal ends with, before its separator: ``ITEM`` of ``ORDER#1#ITEM#``;
    '' when it is a separator alone or empty."""
    return re.split(f"[{SEPARATORS}]", _unseparated(literal))[-1]


def _escape(literal: str) -> str:
    return literal.replace("{", "{{").replace("}", "}}")


def tokens(value: str) -> list[str]:
    """``value`` cut at its separators, which are kept: ``['User', ':', 'UserA']``. A colon
    between two digits is part of the value (a time: ``10:00:00``)."""
    out: list[str] = []
    current = ""
    for n, char in enumerate(value):
        digits = value[n - 1 : n].isdigit() and value[n + 1 : n + 2].isdigit()
        if char == SEPARATOR or (char == ":" and not digits):
            out += [current, char]
            current = ""
        else:
            current += char
    out.append(current)
    return out


def prefix_of(value: Any) -> str | None:
    """The literal that starts ``value`` as an entity's key: ``ORDER#`` of ``ORDER#7``,
    ``User:`` of ``User:UserA``, a whole constant like ``PROFILE``; else None."""
    if not isinstance(value, str):
        return None
    parts = tokens(value)
    if len(parts) >= 3 and _TAG.match(parts[0]):
        return parts[0] + parts[1]
    return value if len(parts) == 1 and _CONSTANT.match(value) else None


def _is_literal(column: list[str], distinct_values: int, after_prefix: bool) -> bool:
    """A segment is literal text when every sample has the same one and it reads as a tag,
    or when the whole values differ elsewhere (so this part is clearly fixed).

    :param after_prefix: the segment is the rest of a ``TAG#rest`` value whose tag is
        literal: then a word is the id the tag announces (``User:UserA``, ``GAME#chess``
        with one sample), unless it is in capitals like ``USER#PROFILE``.
    """
    first = column[0]
    if any(value != first for value in column):
        return False
    if after_prefix and distinct_values == 1 and not first.isupper():
        return False
    return bool(_TAG.match(first)) or distinct_values > 1


def shape(values: Sequence[Any], known: Callable[[list[str]], bool] | None = None) -> Shape | None:
    """The shape every value in ``values`` fits, or None for no values.

    Values are cut at their separators; segments that are the same in every sample become
    literal text, the others fields. Values of different shapes keep the common leading part
    and put the rest into one last field; values that are not all text are one whole field.

    :param known: True for a column of values that an existing field holds: a field even
        when it is the same in every sample (two orders that are both ``paid``).
    """
    if not values:
        return None
    if not all(isinstance(v, str) for v in values):
        return Shape(["", ""], [list(values)])
    splits = [tokens(v) for v in values]
    separators = [tuple(s[1::2]) for s in splits]
    segments = [s[0::2] for s in splits]
    distinct = len(set(values))
    same_shape = len(set(separators)) == 1
    if same_shape:
        positions = len(segments[0])
    else:
        # Separate columns while every value has the same separators; the last takes the rest.
        shortest = min(len(s) for s in segments)
        positions = 0
        while positions < shortest - 1 and len({s[positions] for s in separators}) == 1:
            positions += 1
    columns = [[s[i] for s in segments] for i in range(positions)]
    if not same_shape:
        columns.append(["".join(s[2 * positions :]) for s in splits])
    literals: list[str] = []
    kept: list[list[Any]] = []
    literal = ""
    last = len(columns) - 1
    for i, column in enumerate(columns):
        reused = known is not None and known(column)
        after_prefix = same_shape and len(columns) == 2 and i == 1 and not kept
        fixed = (
            not reused and (i < last or same_shape) and _is_literal(column, distinct, after_prefix)
        )
        if fixed:
            literal += column[0]
        else:
            literals.append(literal)
            kept.append(column)
            literal = ""
        if i < last:
            literal += separators[0][i]
    literals.append(literal)
    found = Shape(literals, kept)
    if not _fits(found, values):
        # A lazy match can split ragged values differently: one field for the rest is safe.
        return Shape(["", ""], [list(values)])
    return found


def _fits(found: Shape, values: Sequence[str]) -> bool:
    names = [f"f{n}" for n in range(len(found.columns))]
    tpl = KeyTemplate(found.template(names) or "x")
    for row, value in enumerate(values):
        if not tpl.matches(value):
            return False
        parsed = tpl.parse(value)
        if any(parsed[name] != found.columns[n][row] for n, name in enumerate(names)):
            return False
    return True


def infer(
    values: Sequence[Any], namer: Namer, known: Callable[[list[str]], bool] | None = None
) -> Inferred | None:
    """The template that every value in ``values`` fits (:func:`shape`), its fields named
    by ``namer``; None for no values.

    :param namer: names a field from its values and the literal text before it.
    :param known: see :func:`shape`.
    """
    found = shape(values, known)
    if found is None:
        return None
    names: list[str] = []
    for n, column in enumerate(found.columns):
        name = namer([str(v) for v in column], found.literal_before(n))
        while name in names:
            name += "_"
        names.append(name)
    return found.inferred(names)


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
