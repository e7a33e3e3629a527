"""Entities and their key templates: how a logical record becomes an item, and back."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import KeyTemplateError, ModelError
from .types import DECLARED, declared_value

_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class KeyTemplate:
    """A key template such as ``"GRP#{owner_user_uuid}"``: builds keys and parses them back.

    Literal text is kept as is; each ``{field}`` is a value. Two fields must be separated by
    literal text, or a key could not be parsed back unambiguously.

    :raises ModelError: for an empty template, a bad field name or adjacent fields.
    """

    def __init__(self, template: str) -> None:
        if not isinstance(template, str) or not template:
            raise ModelError(f"key template {template!r} must be a non-empty string")
        parts: list[tuple[str, str | None]] = []
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError as exc:
            raise ModelError(f"key template {template!r} does not parse: {exc}") from exc
        previous_was_field = False
        for literal, name, spec, conversion in parsed:
            if literal:
                previous_was_field = False
            if name is None:
                parts.append((literal, None))
                continue
            if spec or conversion or not _FIELD_RE.match(name):
                raise ModelError(
                    f"key template {template!r}: {{{name}}} must be a plain field name like "
                    "{owner_user_uuid}"
                )
            if previous_was_field:
                raise ModelError(
                    f"key template {template!r}: fields must be separated by literal text "
                    "(for example '#'), or keys cannot be parsed back"
                )
            parts.append((literal, name))
            previous_was_field = True
        self.template = template
        self.fields: tuple[str, ...] = tuple(name for _, name in parts if name)
        first_literal, first_name = parts[0]
        self.prefix = first_literal  # the literal before the first field ('' for '{created_at}')
        pattern = "".join(
            re.escape(literal) + (f"(?P<{name}>.+?)" if name else "") for literal, name in parts
        )
        self._regex = re.compile(f"^{pattern}$", re.DOTALL)
        # A prefix of a key (what begins_with compares): the last field takes the rest.
        if parts[-1][1] is not None:
            pattern = pattern[: -len(".+?)")] + ".+)"
        self._prefix_regex = re.compile(f"^{pattern}", re.DOTALL)

    def build(self, values: Mapping[str, Any]) -> str:
        """The key for ``values``.

        :raises KeyTemplateError: naming any missing or empty field.
        """
        missing = [name for name in self.fields if values.get(name) in (None, "")]
        if missing:
            raise KeyTemplateError(
                f"key template {self.template!r} needs {missing} (got {sorted(values)})"
            )
        return self.template.format(**{name: values[name] for name in self.fields})

    def value(self, values: Mapping[str, Any]) -> Any:
        """The key for ``values``; a template that is one whole field keeps the value's type
        (a number stays a number for an ``N`` key).

        :raises KeyTemplateError: naming any missing or empty field.
        """
        key = self.build(values)
        if len(self.fields) == 1 and self.template == "{" + self.fields[0] + "}":
            return values[self.fields[0]]
        return key

    def parse(self, key: Any, *, whole: bool = True) -> dict[str, Any]:
        """The field values in ``key`` (a number key of a one-field template is its value).

        :param whole: False to fit the start of ``key`` only (as ``begins_with`` compares).
        :raises KeyTemplateError: if ``key`` does not fit the template.
        """
        if not isinstance(key, str) and self.matches(key):
            return {self.fields[0]: key}
        regex = self._regex if whole else self._prefix_regex
        match = regex.match(key) if isinstance(key, str) else None
        if not match:
            raise KeyTemplateError(f"key {key!r} does not match template {self.template!r}")
        return match.groupdict()

    def matches(self, key: Any) -> bool:
        """True if ``key`` fits this template (a number fits a template of one whole field)."""
        if self.template == "{" + "}{".join(self.fields) + "}" and len(self.fields) == 1:
            if isinstance(key, int | float | Decimal) and not isinstance(key, bool):
                return True
        return isinstance(key, str) and bool(self._regex.match(key))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeyTemplate) and other.template == self.template

    def __hash__(self) -> int:
        return hash(self.template)

    def __repr__(self) -> str:
        return f"KeyTemplate({self.template!r})"

    def __str__(self) -> str:
        return self.template


def _template(value: KeyTemplate | str) -> KeyTemplate:
    return value if isinstance(value, KeyTemplate) else KeyTemplate(value)


@dataclass(frozen=True)
class Attribute:
    """One field of an entity: its DynamoDB type, what it means, how to make sample values.

    :param name: the field name.
    :param type: ``S N B BOOL NULL M L SS NS BS``.
    :param description: one line for the entity chart.
    :param generate: the sample-value hint as written in the model file (see
        ``docs/model-files.md``), or None.
    :param stored: False for a field that lives only inside key templates.
    """

    name: str
    type: str = "S"
    description: str = ""
    generate: Any = None
    stored: bool = True


def _entity_problems(entity: Entity) -> list[tuple[str, str]]:
    """Every problem of ``entity`` as ``(path, message)``, paths relative to the entity."""
    problems: list[tuple[str, str]] = []
    if not entity.keys:
        problems.append(("keys", "it has no key templates"))
    known = set(entity.key_fields) | set(entity.attributes)
    for names, label in ((entity.key_fields, "key field"), (entity.attributes, "attribute")):
        dupes = sorted({n for n in names if list(names).count(n) > 1})
        if dupes:
            problems.append(("attributes", f"{label}s {dupes} are listed twice"))
    overlap = sorted(set(entity.key_fields) & set(entity.attributes))
    if overlap:
        problems.append(("attributes", f"{overlap} are both key fields and attributes"))
    key_attrs = set(entity.keys) | set(entity.index_keys)
    clash = sorted(key_attrs & set(entity.attributes))
    if clash:
        problems.append(("attributes", f"{clash} are both key attributes and stored attributes"))
    both = sorted(set(entity.keys) & set(entity.index_keys))
    if both:
        problems.append(("keys", f"{both} are both table keys and index keys"))
    used: set[str] = set()
    for attr, tpl in {**entity.keys, **entity.index_keys}.items():
        for name in tpl.fields:
            used.add(name)
            if name not in known:
                problems.append(
                    (
                        f"keys.{attr}",
                        f"template names {name!r}, which {entity.name} does not declare "
                        f"(its fields: {sorted(known)})",
                    )
                )
    unused = [name for name in entity.key_fields if name not in used]
    if unused:
        problems.append(
            ("attributes", f"key fields {unused} appear in no key template, so would be lost")
        )
    if entity.attribute_specs:
        specs = {a.name: a for a in entity.attribute_specs}
        declared = [a.name for a in entity.attribute_specs]
        if sorted(declared) != sorted(entity.key_fields + entity.attributes):
            problems.append(
                (
                    "attributes",
                    f"attribute details {declared} do not match its fields "
                    f"{list(entity.key_fields + entity.attributes)}",
                )
            )
        for spec in entity.attribute_specs:
            if spec.type not in ATTRIBUTE_TYPES:
                problems.append(
                    (
                        f"attributes.{spec.name}.type",
                        f"type {spec.type!r} is not one of {list(ATTRIBUTE_TYPES)}",
                    )
                )
        for n, sample in enumerate(entity.samples):
            problems += [
                (f"samples[{n}].{path}", msg) for path, msg in _sample_problems(sample, specs)
            ]
    if entity.type_attribute is not None:
        name = entity.type_attribute[0]
        if name in known or name in key_attrs:
            problems.append(("type_attribute", f"{name!r} is also one of the entity's fields"))
    return problems


def _sample_problems(sample: Mapping[str, Any], specs: Mapping[str, Attribute]) -> list:
    from .types import value_problem

    problems = []
    if not isinstance(sample, Mapping):
        return [("", f"a sample item must be a mapping of fields, not {sample!r}")]
    for name in sample:
        if name not in specs:
            problems.append((name, f"{name!r} is not a field; fields: {list(specs)}"))
    for name, spec in specs.items():
        if name not in sample:
            if not spec.stored:
                problems.append((name, "missing: it is needed to build the keys"))
            continue
        problem = value_problem(spec.type, sample[name])
        if problem:
            problems.append((name, f"{problem} (declared {spec.type})"))
    return problems


ATTRIBUTE_TYPES = ("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")


@dataclass(frozen=True)
class Entity:
    """One kind of item in the single table, declared as data and checked when defined.

    :param name: entity name, e.g. ``MessageGroup``.
    :param keys: table key attribute to template, e.g. ``{"pk": "GRP#{owner_user_uuid}",
        "sk": "{last_message_at}"}``.
    :param key_fields: fields that live only inside keys (not stored as attributes of
        their own), e.g. ``owner_user_uuid``.
    :param attributes: the attributes the item stores besides its keys, in display order.
    :param description: one line for the entity chart.
    :param index_keys: index key attribute to template, for an overloaded index
        (``{"gsi1pk": "EMAIL#{email}"}``); written with every item.
    :param attribute_specs: each field's :class:`Attribute` (type, description, hint), in
        order; empty when only names are declared.
    :param type_attribute: ``(name, value)`` stored on every item, or None.
    :param samples: sample items as field values, checked against the declared types.
    :raises ModelError: if a template names a field that is neither a key field nor an
        attribute, a key field is used by no template, names repeat, or a sample contradicts
        a declared type (``.problems`` lists each as ``(path, message)``).
    """

    name: str
    keys: Mapping[str, KeyTemplate]
    key_fields: tuple[str, ...]
    attributes: tuple[str, ...]
    description: str = ""
    _fields: tuple[str, ...] = field(default=(), repr=False, compare=False)
    index_keys: Mapping[str, KeyTemplate] = field(default_factory=dict)
    attribute_specs: tuple[Attribute, ...] = ()
    type_attribute: tuple[str, Any] | None = None
    samples: tuple[Mapping[str, Any], ...] = ()
    _declared: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        from .problems import ModelProblems

        keys = {attr: _template(tpl) for attr, tpl in dict(self.keys).items()}
        object.__setattr__(self, "keys", keys)
        index_keys = {attr: _template(tpl) for attr, tpl in dict(self.index_keys).items()}
        object.__setattr__(self, "index_keys", index_keys)
        object.__setattr__(self, "key_fields", tuple(self.key_fields))
        object.__setattr__(self, "attributes", tuple(self.attributes))
        object.__setattr__(self, "attribute_specs", tuple(self.attribute_specs))
        object.__setattr__(self, "samples", tuple(self.samples))
        if self.type_attribute is not None:
            object.__setattr__(self, "type_attribute", tuple(self.type_attribute))
        problems = _entity_problems(self)
        if problems:
            raise ModelProblems(f"entity {self.name!r}", problems)
        object.__setattr__(self, "_fields", tuple(self.key_fields) + tuple(self.attributes))
        # Stored fields a YAML file spells otherwise than DynamoDB stores them (a list for a
        # set): item() writes them as their declared type. Key fields are left as given: a
        # template formats them into its key.
        converted = {
            a.name: a.type for a in self.attribute_specs if a.stored and a.type in DECLARED
        }
        object.__setattr__(self, "_declared", converted)

    @property
    def fields(self) -> tuple[str, ...]:
        """Every logical field: key fields, then attributes."""
        return self._fields

    @property
    def all_keys(self) -> dict[str, KeyTemplate]:
        """Table and index key attribute to template."""
        return {**self.keys, **self.index_keys}

    def type_of(self, name: str) -> str | None:
        """The declared DynamoDB type of field ``name``, or None if not declared."""
        for spec in self.attribute_specs:
            if spec.name == name:
                return spec.type
        return None

    @property
    def prefix(self) -> str:
        """The literal prefix of the partition-key template (the first key), e.g. ``GRP#``."""
        return next(iter(self.keys.values())).prefix

    def key(self, **values: Any) -> dict[str, Any]:
        """The primary key (every key attribute) built from ``values``."""
        return {attr: tpl.value(values) for attr, tpl in self.keys.items()}

    def item(self, **values: Any) -> dict[str, Any]:
        """A complete item: keys built from templates, then every attribute given, in order.

        Fields the key templates (table and index keys) use are required; other attributes
        may be left out (or None): items are schemaless, and sparse attributes (an index key
        only some items carry) are common in single-table designs.

        :raises KeyTemplateError: naming missing or unknown fields.
        """
        unknown = sorted(set(values) - set(self._fields))
        needed = {name for tpl in self.all_keys.values() for name in tpl.fields}
        missing = [n for n in self._fields if n in needed and values.get(n) is None]
        if unknown or missing:
            parts = []
            if missing:
                parts.append(f"missing {missing}")
            if unknown:
                parts.append(f"unknown {unknown}")
            raise KeyTemplateError(
                f"{self.name} item: {', '.join(parts)}; its fields are {list(self._fields)}"
            )
        if self._declared:
            values = {n: declared_value(self._declared.get(n), v) for n, v in values.items()}
        item: dict[str, Any] = self.key(**values)
        for attr, tpl in self.index_keys.items():
            item[attr] = tpl.value(values)
        if self.type_attribute is not None:
            item[self.type_attribute[0]] = self.type_attribute[1]
        for name in self.attributes:
            if values.get(name) is not None:
                item[name] = values[name]
        return item

    def parse(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """Every logical field of a plain item (key fields are parsed out of the keys)."""
        out: dict[str, Any] = {}
        for attr, tpl in self.keys.items():
            out.update(tpl.parse(item[attr]))
        for name in self.attributes:
            out[name] = item.get(name)
        return out

    def matches(self, item: Mapping[str, Any]) -> bool:
        """True if every key of ``item`` fits this entity's templates (and its type value)."""
        if self.type_attribute is not None:
            name, value = self.type_attribute
            if item.get(name, value) != value:
                return False
        return all(tpl.matches(item.get(attr)) for attr, tpl in self.keys.items())
