"""A table's settings besides its keys, as CreateTable and UpdateTable check them: the stream
specification and the table class (the keys and indexes are :mod:`.definitions`' and
:mod:`.table_updates`').

- A stream is enabled with a view type, and a disabled one names none: DynamoDB refuses
  ``{"StreamEnabled": false, "StreamViewType": "NEW_IMAGE"}`` ("StreamViewType cannot be
  specified when StreamEnabled is false") and an enabled stream without a view type
  (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_StreamSpecification.html:
  "StreamViewType ... is required if StreamEnabled is true").
- ``TableClass`` is ``STANDARD`` or ``STANDARD_INFREQUENT_ACCESS``
  (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html#DDB-CreateTable-request-TableClass).

Messages as DynamoDB answers them, recorded by emulators calibrated against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ... import constants as C
from ..requests import Request
from .constraints import INVALID, NOT_NULL, one_of, refuse, refuse_violations, violation

VIEW_TYPES = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")
TABLE_CLASSES = ("STANDARD", "STANDARD_INFREQUENT_ACCESS")
VIEW_TYPE_WHEN_DISABLED = INVALID + "StreamViewType cannot be specified when StreamEnabled is false"
VIEW_TYPE_MISSING = INVALID + "You must specify a StreamViewType when enabling a stream"


def settings_violations(params: Mapping[str, Any]) -> list[str]:
    """The constraints of the API's model that the stream specification and table class
    break (a member that is not null, a value of an enum)."""
    found = []
    stream = params.get(C.STREAM_SPECIFICATION)
    if isinstance(stream, Mapping):
        if stream.get("StreamEnabled") is None:
            found.append(violation(None, "streamSpecification.streamEnabled", NOT_NULL))
        view = stream.get("StreamViewType")
        if isinstance(view, str) and view not in VIEW_TYPES:
            found.append(violation(view, "streamSpecification.streamViewType", one_of(VIEW_TYPES)))
    kind = params.get("TableClass")
    if isinstance(kind, str) and kind not in TABLE_CLASSES:
        found.append(violation(kind, "tableClass", one_of(TABLE_CLASSES)))
    return found


def _check_settings(request: Request, _schemas: Any = None, _tokens: Any = None) -> None:
    """CreateTable, UpdateTable: refuse a stream specification or table class DynamoDB
    refuses."""
    params = request.params
    table = params.get(C.TABLE_NAME) if isinstance(params.get(C.TABLE_NAME), str) else None
    refuse_violations(request, table, settings_violations(params))
    stream = params.get(C.STREAM_SPECIFICATION)
    if not isinstance(stream, Mapping):
        return
    if stream.get("StreamEnabled") is False and stream.get("StreamViewType") is not None:
        refuse(request, table, VIEW_TYPE_WHEN_DISABLED)
    if stream.get("StreamEnabled") is True and stream.get("StreamViewType") is None:
        refuse(request, table, VIEW_TYPE_MISSING)


CHECKS = {"CreateTable": (_check_settings,), "UpdateTable": (_check_settings,)}
