"""Read the attribute values of NoSQL Workbench sample items as plain Python values.

An item's attributes are DynamoDB JSON (``{"S": "text"}``), binary as base64 text. Published
files also hold two other shapes, read here as their authors meant them:

* plain JSON inside a map: ``"M": {"is_enabled": true, "n": 5, "inner": {"k": 1}}`` (true is
  BOOL, text S, a number N, null NULL, a list L; an object is a typed value when it is one
  well-formed typed value such as ``{"S": "x"}``, else a map);
* a map wrapped twice: ``"M": {"M": {"HP": {"N": "50"}}}`` is read as the map ``{HP: 50}``,
  and a note says so (an attribute literally named ``M`` is the other reading).

Every value that cannot be read is a problem naming its full JSON path and the value; the
reader goes on, so one pass names them all. What it assumed is a note, with its path.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from ....errors import ValidationError
from ....model.items import from_attr, number_text
from ....model.problems import Problem
from ....model.types import value_problem

ATTRIBUTE_TYPES = ("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")
SET_TYPES = {"SS": "S", "NS": "N", "BS": "B"}
_SHOWN = 80  # characters of a value shown in a problem


class _LeftOut:
    """What a value left out of its item reads as: one that cannot be read (a problem names
    it, so the import fails) or an empty set (a note names it)."""


LEFT_OUT = _LeftOut()


def shown(value: Any) -> str:
    """``value`` as the JSON text a file holds, cut to a length a one-line message can hold."""
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _is_number(payload: Any) -> bool:
    if isinstance(payload, bool) or not isinstance(payload, str | int | float):
        return False
    try:
        number_text(payload)
    except ValidationError:
        return False
    return True


def _is_base64(payload: Any) -> bool:
    if not isinstance(payload, str):
        return False
    try:
        base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


# The payload each type takes, as a file holds it. N also takes a JSON number (``{"N": 5}``),
# which some files hold; B and BS hold base64 text. NULL must be true: DynamoDB refuses
# ``{"NULL": false}`` ("Null attribute value types must have the value of true").
_PAYLOADS: dict[str, tuple[Any, str]] = {
    "S": (lambda p: isinstance(p, str), "text"),
    "N": (_is_number, 'a number DynamoDB stores, as text like "42"'),
    "B": (_is_base64, "base64 text"),
    "BOOL": (lambda p: isinstance(p, bool), "true or false"),
    "NULL": (lambda p: p is True, "only true"),
    "M": (lambda p: isinstance(p, Mapping), "an object"),
    "L": (lambda p: isinstance(p, list), "a list"),
    "SS": (lambda p: _list_of(p, "S"), "a list of text"),
    "NS": (lambda p: _list_of(p, "N"), "a list of numbers"),
    "BS": (lambda p: _list_of(p, "B"), "a list of base64 text"),
}


def _list_of(payload: Any, kind: str) -> bool:
    return isinstance(payload, list) and all(_PAYLOADS[kind][0](v) for v in payload)


def type_name(value: Any) -> str | None:
    """The DynamoDB type of ``value`` if it is one object with one type key (``{"S": ...}``),
    whether or not its payload is well formed; else None."""
    if isinstance(value, Mapping) and len(value) == 1:
        kind = next(iter(value))
        if kind in ATTRIBUTE_TYPES:
            return str(kind)
    return None


def well_formed(value: Any) -> bool:
    """True if ``value`` is one typed value whose payload has its type's shape."""
    kind = type_name(value)
    return kind is not None and bool(_PAYLOADS[kind][0](value[kind]))


class ValueReader:
    """Reads sample items, adding what it cannot read to ``problems`` and what it assumed to
    ``notes``, each as ``(JSON path, message)``.

    :param problems: where values that cannot be read are named.
    :param notes: where assumptions are named (default: not kept).
    """

    def __init__(self, problems: list[Problem], notes: list[Problem] | None = None) -> None:
        self.problems = problems
        self.notes = notes if notes is not None else []

    def item(
        self, item: Mapping[str, Any], path: str, declared: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """The plain values of one item (``{name: DynamoDB JSON}``) at JSON ``path``.

        :param declared: attribute name to the type the table declares; a value of another
            type that fits the declared one (a list where SS is declared) gets a note, one
            that does not fit is a problem.
        """
        out: dict[str, Any] = {}
        for name, value in item.items():
            here = f"{path}.{name}"
            if type_name(value) is None:
                self.problems.append(
                    (here, f'{shown(value)} is not a DynamoDB JSON value like {{"S": "text"}}')
                )
                continue
            got = self.typed(value, here)
            if got is LEFT_OUT:
                continue
            kind = (declared or {}).get(name)
            if kind in ATTRIBUTE_TYPES and kind != type_name(value):
                self._declared(str(kind), value, got, here)
            out[name] = got
        return out

    def _declared(self, kind: str, value: Mapping[str, Any], got: Any, path: str) -> None:
        problem = value_problem(kind, sorted(got, key=repr) if isinstance(got, set) else got)
        if problem:
            self.problems.append(
                (
                    path,
                    f"{shown(dict(value))} is not of the type the table declares, {kind}: "
                    f"{problem}; change the value or the attribute's AttributeType",
                )
            )
        else:
            self.notes.append(
                (
                    path,
                    f"{shown(dict(value))} is read as {kind}, the type the table declares; "
                    "to keep it as it is, change the attribute's type in the YAML the import "
                    "writes",
                )
            )

    def typed(self, value: Mapping[str, Any], path: str) -> Any:
        """The plain value of one typed value (``{"S": "x"}``) at ``path``, or ``LEFT_OUT``."""
        kind = type_name(value)
        if kind is None:
            self.problems.append((path, f"{shown(value)} is not a DynamoDB JSON value"))
            return LEFT_OUT
        payload = value[kind]
        ok, wanted = _PAYLOADS[kind]
        if kind in SET_TYPES and isinstance(payload, list):
            return self._set(kind, payload, path)  # names each member of the wrong shape
        if not ok(payload):
            self.problems.append(
                (f"{path}.{kind}", f"{shown(payload)} is not what {kind} holds: {wanted}")
            )
            return LEFT_OUT
        if kind == "M":
            return self._map(payload, f"{path}.M")
        if kind == "L":
            members = [self.member(v, f"{path}.L[{n}]") for n, v in enumerate(payload)]
            return [v for v in members if v is not LEFT_OUT]
        return self._scalar(kind, payload)

    @staticmethod
    def _scalar(kind: str, payload: Any) -> Any:
        if kind == "N":
            return from_attr({"N": number_text(payload)})
        if kind == "B":
            return base64.b64decode(payload)
        return from_attr({kind: payload})

    def _map(self, payload: Mapping[str, Any], path: str) -> Any:
        inner = payload.get("M") if len(payload) == 1 else None
        if isinstance(inner, Mapping) and type_name(inner) in (None, "M"):
            # "M": {"M": {...}}: a map wrapped twice is what the author most likely meant (a
            # map holding one attribute named "M" is the other reading). Say so. ("M":
            # {"M": {"S": "x"}} is that other reading: a map whose attribute M is "x".)
            self.notes.append(
                (
                    path,
                    'a map wrapped twice ({"M": {"M": {...}}}) is read as the inner map; if '
                    'the map holds an attribute named "M", edit the sample in the YAML the '
                    "import writes",
                )
            )
            return self.typed(payload, path)
        out = {}
        for key, member in payload.items():
            got = self.member(member, f"{path}.{key}")
            if got is not LEFT_OUT:
                out[key] = got
        return out

    def member(self, value: Any, path: str) -> Any:
        """The plain value of a map or list member: a typed value, or plain JSON."""
        kind = type_name(value)
        if kind is not None:
            if well_formed(value):
                return self.typed(value, path)
            # One type key but a payload of another shape ({"N": "ten"}): a map with one
            # attribute, as plain JSON reads it, but perhaps a broken typed value. Say so.
            self.notes.append(
                (
                    path,
                    f"{shown(value)} is read as a map with one attribute {shown(kind)}, "
                    f"since {shown(value[kind])} is not what {kind} holds "
                    f"({_PAYLOADS[kind][1]}); if a {kind} value was meant, write it so in "
                    "the YAML the import writes",
                )
            )
        if value is None or isinstance(value, bool | str):
            return value
        if isinstance(value, int | float):
            try:
                return from_attr({"N": number_text(value)})
            except ValidationError as exc:
                detail = "; ".join(d for _, _, d in exc.problems)
                self.problems.append(
                    (path, f"{shown(value)} is not a number DynamoDB stores: {detail}")
                )
                return LEFT_OUT
        if isinstance(value, list):
            members = [self.member(v, f"{path}[{n}]") for n, v in enumerate(value)]
            return [v for v in members if v is not LEFT_OUT]
        if isinstance(value, Mapping):
            members = {k: self.member(v, f"{path}.{k}") for k, v in value.items()}
            return {k: v for k, v in members.items() if v is not LEFT_OUT}
        self.problems.append((path, f"{shown(value)} is not a JSON value"))
        return LEFT_OUT

    def _set(self, kind: str, payload: list[Any], path: str) -> Any:
        # DynamoDB refuses an empty set and a set with duplicate members ("Data types",
        # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
        # HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.SetTypes).
        member_kind = SET_TYPES[kind]
        check, wanted = _PAYLOADS[member_kind]
        bad = [n for n, v in enumerate(payload) if not check(v)]
        for n in bad:
            self.problems.append(
                (f"{path}.{kind}[{n}]", f"{shown(payload[n])} is not what {kind} holds: {wanted}")
            )
        if bad:
            return LEFT_OUT
        if not payload:
            self.notes.append(
                (path, f"an empty {kind} is left out of the item: DynamoDB refuses empty sets")
            )
            return LEFT_OUT
        members = [self._scalar(member_kind, v) for v in payload]
        out = set(members)
        if len(out) < len(members):
            self.notes.append(
                (
                    f"{path}.{kind}",
                    f"{shown(payload)} repeats members: read as the set of its "
                    f"{len(out)} distinct ones (DynamoDB refuses duplicates in a set)",
                )
            )
        return out


def declared_types(table: Mapping[str, Any]) -> dict[str, str]:
    """Non-key attribute name to the type a NoSQL Workbench table declares for it (only
    well-formed declarations: the shape check names the others)."""
    out: dict[str, str] = {}
    non_key = table.get("NonKeyAttributes") if isinstance(table, Mapping) else None
    for attribute in non_key if isinstance(non_key, list) else []:
        if isinstance(attribute, Mapping) and isinstance(attribute.get("AttributeName"), str):
            kind = attribute.get("AttributeType")
            if kind in ATTRIBUTE_TYPES:
                out[attribute["AttributeName"]] = str(kind)
    return out
