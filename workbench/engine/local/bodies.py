"""A request's body, as the guard (:mod:`.guard`) reads it: once, never past DynamoDB's 16 MB
limit, and for DynamoDB's JSON protocol, one JSON object or a ``SerializationException``."""

from __future__ import annotations

import io
import json
from typing import Any

from .refusals import CORAL, Refusal

# "A single call to BatchWriteItem can transmit up to 16MB of data over the network", the
# largest request DynamoDB takes (https://docs.aws.amazon.com/amazondynamodb/latest/
# APIReference/API_BatchWriteItem.html); DynamoDB's units are binary (1 MB = 1024 KB,
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html).
MAX_BODY = 16 * 1024 * 1024


def _too_large(size: int | None) -> Refusal:
    # AWS documents the 16 MB limit, not the answer to a bigger request: DynamoDB answers it
    # with HTTP 413, whether it comes with a Content-Length or chunked (ScyllaDB's Alternator
    # tests check this against DynamoDB: test/alternator/test_manual_requests.py,
    # test_too_large_request_content_length and _chunked). The error type is ours.
    what = f"{size} bytes" if size is not None else f"more than {MAX_BODY} bytes"
    return Refusal(
        "413 Request Entity Too Large",
        CORAL + "RequestEntityTooLargeException",
        f"the request body ({what}) is over DynamoDB's limit of {MAX_BODY} bytes (16 MB): "
        "send less per request (BatchWriteItem: at most 25 items, 16 MB)",
    )


class _TooLarge(Exception):
    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


def _read_at_most(stream: Any, size: int) -> bytes:
    """Up to ``size`` bytes of ``stream``: fewer only at its end (a dechunking stream may
    return one chunk per read)."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        part = stream.read(min(left, 1 << 20))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _read_body(environ: dict[str, Any]) -> bytes:
    """The request body, read once and put back so moto can read it again.

    No more than :data:`MAX_BODY` bytes are ever read, whatever ``Content-Length`` says or
    without one (chunked): a bigger body is refused, not buffered.

    :raises _TooLarge: if the body is over :data:`MAX_BODY` bytes.
    :raises ValueError: if ``Content-Length`` is not a number of bytes.
    """
    if "workbench.body" in environ:
        return environ["workbench.body"]
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    if length:
        size = int(length)
        if size < 0:
            raise ValueError(length)
        if size > MAX_BODY:
            raise _TooLarge(size)  # before reading a byte of it
        body = _read_at_most(stream, size)
    elif environ.get("wsgi.input_terminated"):
        body = _read_at_most(stream, MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise _TooLarge(None)
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["workbench.body"] = body
    return body


def body(environ: dict[str, Any]) -> bytes | Refusal:
    """The request body (see :func:`_read_body`), or the answer to a body too big to read."""
    try:
        return _read_body(environ)
    except _TooLarge as exc:
        return _too_large(exc.size)
    except ValueError:
        return Refusal(
            "400 Bad Request",
            CORAL + "SerializationException",
            f"Content-Length {environ.get('CONTENT_LENGTH')!r} is not a number of bytes",
            message_key="Message",
        )


def serialization_refusal(body: bytes) -> Refusal | None:
    """DynamoDB's 400 ``SerializationException`` for a body that is not one JSON object."""
    try:
        document = json.loads(body)
    except RecursionError:
        reason = "it is nested too deeply to read"
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        reason = "it is empty" if not body.strip() else f"it is not valid JSON ({exc})"
    else:
        if isinstance(document, dict):
            return None
        kind = {list: "an array", str: "a string", bool: "a boolean"}.get(
            type(document), "null" if document is None else "a number"
        )
        reason = f"it is {kind}, not a JSON object"
    return Refusal(
        "400 Bad Request",
        CORAL + "SerializationException",
        f"the request body cannot be read: {reason}",
        message_key="Message",
    )
