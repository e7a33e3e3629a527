"""Validation of a new message, like the original ``CreateMessage`` but reporting every problem.

The original overwrote ``errors`` at each check (the last failure won) and its error branch
raised a NameError, so bad input gave a 500 instead of a 422. Here every problem is collected
and raised at once as a :class:`~workbench.errors.ValidationError`, before anything is written.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ...errors import ValidationError

MAX_MESSAGE_CHARS = 1024
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# DynamoDB stores any UTF-8, but a NUL or other control character in a chat message is
# almost always a client bug; tabs and newlines are fine. A carriage return rewrites the
# terminal line it is printed on, and the C1 controls (U+0080-U+009F, e.g. NEL U+0085 and
# CSI U+009B) are terminal commands too (issue 10, item 3).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder the
# text shown around them, so "moc.elgoog" can show as "google.com" ("Trojan Source",
# CVE-2021-42574). The plain marks U+200E/U+200F are kept: right-to-left text needs them.
_BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
# What a JSON value that is not a string is called (bool first: it is an int in Python).
_JSON_TYPES = (
    (bool, "a boolean"),
    ((int, float), "a number"),
    (list, "a list"),
    (dict, "an object"),
)


def type_problem(field: str, value: Any) -> tuple[str, str, str] | None:
    """The problem of a field that is not a string (a JSON number, list...), else None.

    ``None`` (the field is missing) is not a type problem: it is blank.
    """
    if value is None or isinstance(value, str):
        return None
    kind = next((name for cls, name in _JSON_TYPES if isinstance(value, cls)), "another type")
    return (field, f"{field}_not_string", f"{field} must be a string, got {kind}")


def is_invisible(text: str) -> bool:
    """True if ``text`` shows nothing: only whitespace and format characters (Unicode
    category ``Cf``, such as the zero-width space U+200B or the word joiner U+2060)."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def is_uuid(value: Any) -> bool:
    """True for a lower-case canonical uuid string."""
    return isinstance(value, str) and bool(_UUID_RE.match(value))


def require_group_uuid(value: Any) -> str:
    """``value`` if it is a group uuid; else the :class:`ValidationError` every entry point gives.

    :raises ValidationError: code ``message_group_uuid_invalid``, naming the value.
    """
    if not is_uuid(value):
        raise ValidationError(
            [("message_group_uuid", "message_group_uuid_invalid", f"{value!r} is not a group uuid")]
        )
    return value


def message_problems(message: Any) -> list[tuple[str, str, str]]:
    """Problems with a message text (empty list when it is fine).

    :param message: the text to post; anything but a string, blank or invisible-only text,
        control characters other than tab and newline, bidirectional overrides, embeddings
        and isolates, and more than :data:`MAX_MESSAGE_CHARS` are refused.
    """
    wrong_type = type_problem("message", message)
    if wrong_type is not None:
        return [wrong_type]
    if message is None or is_invisible(message):
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
    if _BIDI_RE.search(message):
        problems.append(
            (
                "message",
                "message_bidi_controls",
                "the message contains bidirectional override, embedding or isolate characters "
                "(U+202A-U+202E, U+2066-U+2069), which reorder the text shown around them",
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
