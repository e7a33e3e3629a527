"""The pieces every built request shares: a template's fields, a template rendered into a
typed value, and the ``#name`` and ``:value`` placeholders of an expression.

Pure: no boto3, no network (the stream Lambda ships it, through the request builder).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ModelError
from .entities import Entity, KeyTemplate
from .reserved import needs_placeholder
from .types import coerce


def template_fields(template: Any) -> tuple[str, ...]:
    """The ``{fields}`` a template names (none for a value that is not text)."""
    if not isinstance(template, str):
        return ()
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


def whole_field(template: Any) -> str | None:
    """The field name when ``template`` is exactly one ``{field}`` (its value keeps its type)."""
    if isinstance(template, str):
        parsed = list(string.Formatter().parse(template))
        if len(parsed) == 1 and not parsed[0][0] and parsed[0][1]:
            return parsed[0][1]
    return None


def value_placeholder(attribute: str, suffix: str = "") -> str:
    """The ``:value`` placeholder of ``attribute`` (``suffix`` tells two of one apart)."""
    return ":" + re.sub(r"[^A-Za-z0-9_]", "_", attribute) + suffix


class Names:
    """``#name`` placeholders, only for attribute names an expression cannot hold as is.

    A placeholder is ``#`` and letters, digits or ``_`` (Developer Guide, "Expression
    attribute names"), so ``GSI1-PK`` becomes ``#GSI1_PK``; ``GSI1.PK`` in the same request
    gets ``#GSI1_PK_``, never the same one.
    """

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def __call__(self, attribute: str) -> str:
        if not needs_placeholder(attribute):
            return attribute
        token = "#" + re.sub(r"[^A-Za-z0-9_]", "_", attribute)
        while self.names.get(token, attribute) != attribute:
            token += "_"
        self.names[token] = attribute
        return token


class Renderer:
    """Turns a pattern's templates into values, typed as the model's entities declare them.

    :param entities: the model's entities; the first declaration of an attribute's type wins.
    """

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.types: dict[str, str] = {}
        for entity in entities:
            for spec in entity.attribute_specs:
                self.types.setdefault(spec.name, spec.type)

    def render(self, template: Any, params: Mapping[str, Any], kind: str | None = None) -> Any:
        """A template's value: a whole ``{field}`` keeps its type, anything else is text.

        :param kind: the DynamoDB type to coerce a whole field to (default: its declared one).
        :raises ModelError: naming a whole field's parameter that is missing or empty.
        """
        whole = whole_field(template)
        if whole is not None:
            if params.get(whole) in (None, ""):
                raise ModelError(f"parameter {whole!r} is missing (got {sorted(params)})")
            return coerce(kind or self.types.get(whole), params[whole])
        if not isinstance(template, str):
            return template
        return KeyTemplate(template).build(params) if template_fields(template) else template

    def entity_values(
        self, entity: Entity, fields: Mapping[str, Any], params: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Each entity field's value: its template in ``fields``, else the same-named param."""
        out: dict[str, Any] = {}
        for name in entity.fields:
            kind = entity.type_of(name)
            if name in fields:
                out[name] = self.render(fields[name], params, kind)
            elif name in params:
                out[name] = coerce(kind, params[name])
        return out
