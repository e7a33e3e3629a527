"""UpdateExpression parsing: its clauses and their top-level actions.

One reader for both users: the limits (what a SET writes, checked before sending) and the
capacity rules (the item an UpdateItem leaves behind).
"""

from __future__ import annotations

import re

_CLAUSE = re.compile(r"\b(SET|REMOVE|ADD|DELETE)\b", re.IGNORECASE)


def split_top(text: str) -> list[str]:
    """Split on commas outside parentheses: ``a = if_not_exists(a, :v), b = :w``.

    Parts are stripped; empty ones are dropped.
    """
    parts, depth, start = [], 0, 0
    for at, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(text[start:at])
            start = at + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def clauses(expression: str) -> list[tuple[str, str]]:
    """``(SET|REMOVE|ADD|DELETE, the clause's text)`` in order, the keyword upper-case."""
    marks = list(_CLAUSE.finditer(expression))
    return [
        (
            m.group(1).upper(),
            expression[m.end() : marks[i + 1].start() if i + 1 < len(marks) else None],
        )
        for i, m in enumerate(marks)
    ]
