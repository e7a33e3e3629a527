"""Requests as data: every call the workbench makes is built here first, so it can be shown.

A :class:`Request` is the exact boto3 client call (operation plus parameters). The dry run of
an access pattern returns one without sending it; the application sends the very same object.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import pprint
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import constants as C
from ..errors import WorkbenchError
from .items import to_attr, to_item


@functools.lru_cache(maxsize=64)
def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


@dataclass(frozen=True)
class Request:
    """One DynamoDB call: ``client.<method>(**params)``.

    :param operation: the API name, e.g. ``Query`` or ``TransactWriteItems``.
    :param params: the exact keyword arguments for the boto3 client method.
    """

    operation: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def method(self) -> str:
        """The boto3 client method name, e.g. ``transact_write_items``."""
        return _snake(self.operation)

    def to_json(self) -> str:
        """The parameters as indented JSON (what the AWS CLI's ``--cli-input-json`` takes)."""
        return json.dumps(self.params, indent=2, default=str, ensure_ascii=False)

    def to_python(self) -> str:
        """The call as Python source, for teaching: ``client.query(**{...})``."""
        body = pprint.pformat(self.params, sort_dicts=False, width=96)
        return f"client.{self.method}(**{body})"

    def __str__(self) -> str:
        return f"{self.operation} {self.to_json()}"


def query(
    table_name: str,
    *,
    key_condition: str,
    values: Mapping[str, Any],
    index: str | None = None,
    forward: bool = True,
    limit: int | None = None,
    start_key: Mapping[str, Any] | None = None,
    capacity: str = C.TOTAL,
) -> Request:
    """A ``Query`` request; ``values`` are plain Python values for the ``:placeholders``."""
    params: dict[str, Any] = {C.TABLE_NAME: table_name}
    if index:
        params[C.INDEX_NAME] = index
    params[C.KEY_CONDITION_EXPRESSION] = key_condition
    params[C.EXPRESSION_ATTRIBUTE_VALUES] = {k: to_attr(v) for k, v in values.items()}
    params[C.SCAN_INDEX_FORWARD] = forward
    if limit is not None:
        params[C.LIMIT] = limit
    if start_key:
        params[C.EXCLUSIVE_START_KEY] = dict(start_key)
    params[C.RETURN_CONSUMED_CAPACITY] = capacity
    return Request("Query", params)


def put(
    table_name: str,
    item: Mapping[str, Any],
    *,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The body of a Put (for ``PutItem`` or one ``TransactItems`` entry)."""
    body: dict[str, Any] = {C.TABLE_NAME: table_name, C.ITEM: to_item(item)}
    _conditions(body, condition, names, values)
    return body


def delete(
    table_name: str,
    key: Mapping[str, Any],
    *,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The body of a Delete (for ``DeleteItem`` or one ``TransactItems`` entry)."""
    body: dict[str, Any] = {C.TABLE_NAME: table_name, C.KEY: to_item(key)}
    _conditions(body, condition, names, values)
    return body


def _conditions(
    body: dict[str, Any],
    condition: str | None,
    names: Mapping[str, str] | None,
    values: Mapping[str, Any] | None,
) -> None:
    if condition:
        body[C.CONDITION_EXPRESSION] = condition
    if names:
        body[C.EXPRESSION_ATTRIBUTE_NAMES] = dict(names)
    if values:
        body[C.EXPRESSION_ATTRIBUTE_VALUES] = {k: to_attr(v) for k, v in values.items()}


def transact_write(actions: Sequence[tuple[str, dict[str, Any]]]) -> Request:
    """A ``TransactWriteItems`` request from ``(kind, body)`` pairs, kind ``Put``/``Delete``."""
    return Request(
        "TransactWriteItems",
        {
            C.TRANSACT_ITEMS: [{kind: body} for kind, body in actions],
            C.RETURN_CONSUMED_CAPACITY: C.TOTAL,
        },
    )


def scan(table_name: str, *, start_key: Mapping[str, Any] | None = None) -> Request:
    """One page of a ``Scan``."""
    params: dict[str, Any] = {C.TABLE_NAME: table_name, C.RETURN_CONSUMED_CAPACITY: C.TOTAL}
    if start_key:
        params[C.EXCLUSIVE_START_KEY] = dict(start_key)
    return Request("Scan", params)


# -- cursors -----------------------------------------------------------------------------


def encode_cursor(last_evaluated_key: Mapping[str, Any] | None) -> str | None:
    """An opaque, URL-safe cursor for the next page (None when there is no next page)."""
    if not last_evaluated_key:
        return None
    raw = json.dumps(last_evaluated_key, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _shorten(cursor: Any, limit: int = 80) -> str:
    text = repr(cursor)
    return text if len(text) <= limit else f"{text[: limit - 5]}...'"


def decode_cursor(cursor: str, *, keys: Sequence[str], partition: Mapping[str, str]) -> dict:
    """The ``ExclusiveStartKey`` in ``cursor``, checked against the query it continues.

    :param keys: the key attributes the cursor must hold (table keys, plus index keys).
    :param partition: attribute to string value that must match (the partition queried), so
        a cursor from one conversation cannot page through another.
    :raises WorkbenchError: naming the cursor if it is malformed or from another query.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError, AttributeError, RecursionError) as exc:
        # RecursionError: a cursor can decode to JSON nested deeper than the parser recurses.
        raise WorkbenchError(
            f"cursor {_shorten(cursor)} is not a cursor this workbench issued", exc
        ) from exc
    ok = (
        isinstance(key, dict)
        and sorted(key) == sorted(keys)
        and all(
            isinstance(v, dict) and list(v) == ["S"] and isinstance(v["S"], str)
            for v in key.values()
        )
        and all(key[name]["S"] == value for name, value in partition.items())
    )
    if not ok:
        raise WorkbenchError(
            f"cursor {_shorten(cursor)} does not continue this query (it is malformed or from "
            "another conversation); use the 'next' value of the previous page"
        )
    return key
