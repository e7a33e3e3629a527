"""Validation of a new message, like the original ``CreateMessage`` but reporting every problem.

The original overwrote ``errors`` at each check (the last failure won) and its error branch
raised a NameError, so bad input gave a 500 instead of a 422. Here every problem is collected
and raised at once as a :class:`~workbench.errors.ValidationError`, before anything is written.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import ValidationError

MAX_MESSAGE_CHARS = 1024
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# DynamoDB stores any UTF-8, but a NUL or other control character in a chat message is
# almost always a client bug; tabs and newlines are fine.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_uuid(value: Any) -> bool:
    """True for a lower-case canonical uuid string."""
    return isinstance(value, str) and bool(_UUID_RE.match(value))


def message_problems(message: Any) -> list[tuple[str, str, str]]:
    """Problems with a message text (empty list when it is fine)."""
    if not isinstance(message, str) or not message.strip():
        return [("message", "message_blank", "the message is blank")]
    problems = []
    if len(message) > MAX_MESSAGE_CHARS:
        problems.append(
            (
                "message",
                f"message_exceed_max_chars_{MAX_MESSAGE_CHARS}",
                f"the message has {len(message)} characters; at most "
                f"{MAX_MESSAGE_CHARS} are allowed",
            )
        )
    if _CONTROL_RE.search(message):
        problems.append(
            (
                "message",
                "message_control_characters",
                "the message contains control characters (only tab and newline are allowed)",
            )
        )
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        problems.append(
            (
                "message",
                "message_not_utf8",
                "the message contains characters UTF-8 cannot encode (lone surrogates)",
            )
        )
    return problems


def raise_if(problems: list[tuple[str, str, str]]) -> None:
    """Raise a :class:`ValidationError` listing ``problems``, if there are any."""
    if problems:
        raise ValidationError(problems)
