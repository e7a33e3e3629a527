"""The DynamoDB JSON lines format: one item to a line, and a whole file read and checked."""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ... import constants as C
from ...errors import RequestRejected, ValidationError, WorkbenchError
from ...model import CRUDDUR, limits
from ...model.items import jsonable, number_text
from ...model.requests import Request

GZIP_MAGIC = b"\x1f\x8b"
SET_TYPES = ("SS", "NS", "BS")
# The JSON type each DynamoDB type's body must have (numbers and binary travel as strings).
BODY_TYPES: dict[str, type] = {
    **dict.fromkeys(("S", "N", "B"), str),
    **dict.fromkeys(("BOOL", "NULL"), bool),
    "M": dict,
    **dict.fromkeys(("L", *SET_TYPES), list),
}
# A bad file is reported by its first bad line; the others are counted and a few listed.
MORE_SHOWN = 5


class TransferError(WorkbenchError):
    """An export or import file could not be written, read or validated."""

    msg = "export/import failed"


class _Bad(Exception):
    """One problem on one line (internal; becomes a :class:`TransferError`)."""


def export_line(item: Mapping[str, Any]) -> str:
    """One item (boto3 client form: typed, binary as bytes) as a line of the S3 export format.

    Numbers stay the strings DynamoDB sent; binary becomes base64 text, as in DynamoDB JSON.
    """
    return json.dumps({C.ITEM: jsonable(dict(item))}, ensure_ascii=False, separators=(",", ":"))


def read_items(
    path: str | os.PathLike[str],
    schema: limits.KeySchema | None = None,
    table_name: str = CRUDDUR.table.name,
) -> list[dict[str, Any]]:
    """Every item of a DynamoDB JSON lines file (plain or gzipped), checked, in boto3 client
    form: binary decoded to bytes, numbers in DynamoDB's canonical text.

    Each line must be ``{"Item": {...}}`` with valid typed values, the table's key attributes
    of the declared types (index keys too, where present), within DynamoDB's limits, and no
    two lines may share a key. Blank lines are skipped.

    :param schema: the table's keys (default: the model table's).
    :param table_name: the table the items are for (named in DynamoDB's limit checks).
    :raises TransferError: naming the file, the first bad line and what is wrong with it, and
        counting the other bad lines.
    """
    schema = schema or limits.KeySchema.from_spec(CRUDDUR.table)
    items: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    bad: list[tuple[int, str]] = []
    for number, line in _lines(Path(path)):
        if not line.strip():
            continue
        try:
            item = _parse_line(line, schema, table_name)
            key = json.dumps(jsonable({k: item[k] for k in schema.key_names}), sort_keys=True)
            if key in seen:
                raise _Bad(f"the same key as line {seen[key]} ({key})")
            seen[key] = number
            items.append(item)
        except _Bad as exc:
            bad.append((number, str(exc)))
        except RecursionError:  # json's parser or _value gave up, far past DynamoDB's 32 levels
            bad.append((number, "nested too deeply to read (DynamoDB allows 32 levels)"))
    if bad:
        number, problem = bad[0]
        more = [str(n) for n, _ in bad[1:]]
        extra = ""
        if more:
            listed = ", ".join(more[:MORE_SHOWN]) + (", ..." if len(more) > MORE_SHOWN else "")
            extra = f" (and {len(more)} more bad line{'s' if len(more) > 1 else ''}: {listed})"
        raise TransferError(f"{path} line {number}: {problem}{extra}; nothing was imported")
    return items


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with path.open("rb") as probe:
            gzipped = probe.read(2) == GZIP_MAGIC
        # By content, not name: an S3 export's data file is gzipped whatever it is called.
        opener = gzip.open if gzipped else open
        with opener(path, "rt", encoding="utf-8") as handle:
            yield from enumerate(handle, start=1)
    except (OSError, EOFError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise TransferError(f"cannot read {str(path)!r}: {reason}", exc) from exc
    except UnicodeDecodeError as exc:
        raise TransferError(f"cannot read {str(path)!r}: not UTF-8 text ({exc})", exc) from exc


def _parse_line(line: str, schema: limits.KeySchema, table_name: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Bad(f"not JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(record, dict) or list(record) != [C.ITEM]:
        shown = sorted(record) if isinstance(record, dict) else type(record).__name__
        raise _Bad(f'expected {{"Item": {{...}}}}, got {shown}')
    raw = record[C.ITEM]
    if not isinstance(raw, dict) or not raw:
        raise _Bad('"Item" must be a non-empty object of typed attribute values')
    item = {name: _value(value, name) for name, value in raw.items()}
    for name in schema.key_names:
        if name not in item:
            raise _Bad(f"key attribute {name!r} is missing (the table's keys: {schema.key_names})")
        _check_key(item, name, schema.types[name], "key")
    for keys in schema.indexes.values():
        for name in keys:
            if name and name in item and name not in schema.key_names:
                _check_key(item, name, schema.types[name], "index key")
    try:
        # What the writer will check before sending (size, digits...): refused here instead,
        # so a bad item never stops an import halfway.
        put = Request("PutItem", {C.TABLE_NAME: table_name, C.ITEM: item})
        limits.check_request(put, {table_name: schema})
    except RequestRejected as exc:
        raise _Bad(exc.error_message) from exc
    return item


def _check_key(item: Mapping[str, Any], name: str, kind: str, what: str) -> None:
    ((got, value),) = item[name].items()
    if got != kind:
        raise _Bad(f"{what} attribute {name!r} is of type {got}, the table declares {kind}")
    if kind in ("S", "B") and not value:
        raise _Bad(f"{what} attribute {name!r} is empty; key values must not be")


def _value(value: Any, path: str) -> Any:
    """A DynamoDB JSON attribute value, checked, in boto3 client form."""
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in BODY_TYPES:
        raise _Bad(
            f"attribute {path!r}: {json.dumps(value)[:60]} is not a typed value; "
            f'expected one of {list(BODY_TYPES)}, e.g. {{"S": "text"}}'
        )
    ((kind, body),) = value.items()
    expect = BODY_TYPES[kind]
    if not isinstance(body, expect):
        raise _Bad(
            f"attribute {path!r}: {kind} holds {json.dumps(body)[:40]}, not a "
            f"{'JSON ' + expect.__name__ if expect is not str else 'string'}"
        )
    if kind == "N":
        return {kind: _number(body, path)}
    if kind == "B":
        return {kind: _binary(body, path)}
    if kind == "NULL" and body is not True:
        raise _Bad(f"attribute {path!r}: NULL must be true")
    if kind == "M":
        return {kind: {k: _value(v, f"{path}.{k}") for k, v in body.items()}}
    if kind == "L":
        return {kind: [_value(v, f"{path}[{i}]") for i, v in enumerate(body)]}
    if kind in SET_TYPES:
        return {kind: _members(kind, body, path)}
    return {kind: body}


def _members(kind: str, body: list[Any], path: str) -> list[Any]:
    if not body:
        raise _Bad(f"attribute {path!r}: an empty {kind}; DynamoDB sets hold at least one member")
    if not all(isinstance(m, str) for m in body):
        raise _Bad(f"attribute {path!r}: every {kind} member must be a string")
    members: list[Any] = list(body)
    if kind == "NS":
        members = [_number(m, path) for m in body]
    elif kind == "BS":
        members = [_binary(m, path) for m in body]
    if len(set(members)) != len(members):
        raise _Bad(f"attribute {path!r}: {kind} has duplicate members")
    return members


def _number(text: str, path: str) -> str:
    try:
        return number_text(text, path)
    except ValidationError as exc:
        raise _Bad(f"attribute {path!r}: {exc.problems[0][2]}") from exc


def _binary(text: str, path: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _Bad(f"attribute {path!r}: B value {text[:40]!r} is not base64") from exc
