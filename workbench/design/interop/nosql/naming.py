"""Names for the fields of one entity's inferred key templates, and why each was chosen.

A field's values are a column of the sample items (the ``12345`` of ``c#12345``). Its name
comes, in this order, from:

1. the facet's key alias, when it names the key's fields in order (``SubId#SKU`` for
   ``SUB#{...}#SKU#{...}``; ``OrderId`` for a key with one field);
2. a stored attribute holding the same values (``EMAIL#{Email}`` beside ``Email``);
3. a field of another key of the same items holding the same values, when the prefixes
   agree (``sh#{sh_id}`` in both ``SK`` and ``GSI1-PK``);
4. the key's prefix (``c#`` gives ``c_id``), or the key's name (``sk_value``).

Equal values alone are weak evidence when the samples are few: customer ``12345`` and order
``12345`` look alike. So a reading that the alias or the prefixes contradict is passed over,
and the note says which field was passed over and the template to write to overrule it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .templates import SEPARATORS, Shape, identifier, tag_of

_ALNUM = re.compile(r"[^a-z0-9]+")


def _norm(text: str) -> str:
    return _ALNUM.sub("", text.lower())


def _stem(name: str) -> str:
    """``name`` lowercased without its ``id`` ending: ``CustomerId``, ``c_id`` give
    ``customer``, ``c``."""
    norm = _norm(name)
    return norm[:-2] if norm.endswith("id") and len(norm) > 2 else norm


def supports(tag: str, name: str) -> bool:
    """True if the prefix ``tag`` announces field ``name``: ``c`` and ``c_id`` or
    ``CustomerId``; ``MEMBER`` and ``MemberId``; not ``o`` and ``c_id``."""
    t, s = _norm(tag), _stem(name)
    return bool(t and s) and (s.startswith(t) or t.startswith(s))


def alike(alias: str, name: str) -> bool:
    """True if an alias's name and a field's name mean one thing: ``BookIsbn`` and ``Isbn``,
    ``OrderId`` and ``o_id``; not ``SubId`` and ``AccountId``."""
    a, b = _stem(alias), _stem(name)
    if not (a and b):
        return False
    if a == b or a.startswith(b) or b.startswith(a):
        return True
    return min(len(a), len(b)) >= 3 and (a in b or b in a)


def _specific(value: str) -> bool:
    """True for a value unlikely to repeat by chance: a time, an address, a long code."""
    return len(value) >= 8 or not value.isalnum()


def _shown(values: Sequence[str]) -> str:
    distinct = list(dict.fromkeys(values))
    shown = ", ".join(repr(v) for v in distinct[:3])
    return shown + (", ..." if len(distinct) > 3 else "")


class FieldNamer:
    """Names the key fields of one entity, key by key, remembering the fields named so far.

    :param stored: each stored attribute that every sample carries, and its values as text.
    :param reserved: names a field may not take (the table's and indexes' key attributes).
    """

    def __init__(self, stored: Mapping[str, list[str]], reserved: Iterable[str]) -> None:
        self.stored = dict(stored)
        self.reserved = set(reserved)
        self.fields: dict[str, list[str]] = {}  # key field -> its values as text
        self.tags: dict[str, str] = {}  # key field -> the prefix before it, normalised
        self.made_up: dict[str, str] = {}  # field named by us -> where its name comes from

    def known(self, column: list[str]) -> bool:
        """True if a stored attribute or a field named so far holds these values."""
        return column in self.stored.values() or column in self.fields.values()

    def names(
        self, attr: str, found: Shape, alias: str | None = None, role: str = ""
    ) -> tuple[list[str], list[str]]:
        """Names for the fields of ``found`` (the shape of key ``attr``'s values).

        :param alias: the facet's alias of the key (``KeyAttributeAlias``), if any.
        :param role: where the alias is, for notes (``SortKeyAlias``).
        :returns: ``(names, notes)``: a note for each reading passed over, with the template
            that would take it instead.
        """
        by_alias = self._alias_names(attr, found, alias)
        chosen: list[str] = []
        passed: list[tuple[int, str, str]] = []
        for n, column in enumerate(found.columns):
            text = [str(v) for v in column]
            name, other, why = self._one(attr, text, found.tag_before(n), by_alias[n], chosen)
            if by_alias[n] == name and alias:
                why = f"named after the {role} {alias!r}"
            chosen.append(name)
            if other is not None:
                passed.append((n, other, why))
        notes = []
        template = found.template(chosen)
        for n, other, why in passed:
            instead = found.template([other if m == n else c for m, c in enumerate(chosen)])
            values = _shown([str(v) for v in found.columns[n]])
            notes.append(
                f"in {template!r}, {{{chosen[n]}}} has the same values as {other} in every "
                f"sample ({values}), but is {why}; if they are one field, write {instead!r}"
            )
        return chosen, notes

    def commit(self, template: str, fields: Mapping[str, Sequence[Any]]) -> None:
        """Remember the fields of a template that is kept (so later keys can reuse them).

        :param fields: each field of ``template`` and its value in every sample.
        """
        parsed = string.Formatter().parse(template)
        before = {name: literal for literal, name, _, _ in parsed if name is not None}
        for name, values in fields.items():
            self.fields.setdefault(name, [str(v) for v in values])
            self.tags.setdefault(name, _norm(tag_of(before.get(name, ""))))

    def _alias_names(self, attr: str, found: Shape, alias: str | None) -> list[str | None]:
        """The names an alias gives the fields, in order: ``SubId#SKU`` names two fields;
        an alias that is the key's own name, or names a different number of fields, none."""
        count = len(found.columns)
        none: list[str | None] = [None] * count
        if not alias or not count:
            return none
        parts = [identifier(p) for p in re.split(f"[{SEPARATORS}]", alias) if p.strip()]
        keys = {_norm(k) for k in self.reserved | {attr}}
        if len(parts) != count or len(set(parts)) != count or any(_norm(p) in keys for p in parts):
            return none
        return list(parts)

    def _one(
        self, attr: str, text: list[str], tag: str, by_alias: str | None, chosen: list[str]
    ) -> tuple[str, str | None, str]:
        """``(name, other name the values fit but was passed over, why)``."""
        stored = [n for n, c in self.stored.items() if c == text and n not in chosen]
        fields = [
            n for n, c in self.fields.items() if c == text and n not in chosen and n not in stored
        ]
        equal = stored + fields
        if by_alias is not None:
            same = [n for n in equal if alike(by_alias, n)]
            if same:
                return same[0], None, ""
            if self._free(by_alias, text, chosen):
                return by_alias, (equal[0] if equal else None), ""
        # Several distinct values, or one long value, equal in every item are no accident;
        # one short id (customer 100, order 100) may be.
        telling = len(set(text)) > 1 or all(_specific(v) for v in text)
        for name in stored:
            if not tag or telling or supports(tag, name):
                return name, None, ""
        for name in fields:
            if not tag or self.tags.get(name) == _norm(tag) or supports(tag, name):
                return name, None, ""
        name = self._new_name(attr, tag, chosen)
        if not equal:
            return name, None, ""
        other = equal[0]
        before = self.tags.get(other)
        why = f"read as a field of its own, named after its prefix {tag!r}"
        if before:
            why += f" ({other} follows {before!r})"
        return name, other, why

    def _free(self, name: str, text: list[str], chosen: list[str]) -> bool:
        if name in chosen or name in self.reserved:
            return False
        held = self.stored.get(name, self.fields.get(name))
        return held is None or held == text

    def _new_name(self, attr: str, tag: str, chosen: list[str]) -> str:
        candidates = []
        if tag:
            candidates.append((identifier(tag).lower() + "_id", f"its prefix {tag!r}"))
        candidates.append((identifier(attr).lower() + "_value", f"the key {attr!r}"))
        taken = self.reserved | set(self.stored) | set(self.fields) | set(chosen)
        taken |= set(self.made_up)
        for name, source in candidates:
            if name not in taken:
                self.made_up[name] = source
                return name
        name, source = candidates[-1]
        while name in taken:
            name += "_"
        self.made_up[name] = source
        return name
