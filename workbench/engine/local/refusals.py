"""What the guard (:mod:`.guard`) answers instead of moto: a status, an error type and a
message, sent as DynamoDB sends its errors (a JSON body)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

DENIED_TYPE = "com.amazonaws.dynamodb.v20120810#AccessDeniedException"
CORAL = "com.amazon.coral.service#"


class Refusal(NamedTuple):
    """What the guard answers instead of moto: an HTTP status, an error type, a message."""

    status: str
    type: str
    message: str
    message_key: str = "message"


def denied(reason: str) -> Refusal:
    """The 403 for a request the workbench does not let through, saying why."""
    return Refusal("403 Forbidden", DENIED_TYPE, f"refused by the workbench: {reason}")


def answer(
    start_response: Callable[..., Any], refusal: Refusal, exc_info: Any = None
) -> list[bytes]:
    """Send ``refusal`` as the response (a DynamoDB-style JSON error body)."""
    body = json.dumps({"__type": refusal.type, refusal.message_key: refusal.message}).encode()
    start_response(
        refusal.status,
        [
            ("Content-Type", "application/x-amz-json-1.0"),
            ("Content-Length", str(len(body))),
        ],
        exc_info,
    )
    return [body]
