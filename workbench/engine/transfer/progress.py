"""Progress for exports and imports: a bar on a terminal, else one final line."""

from __future__ import annotations

import sys


def count(n: int) -> str:
    """``1 item``, ``116 items``."""
    return f"{n} item{'' if n == 1 else 's'}"


def bar_on(progress: bool) -> bool:
    """Whether to draw a tqdm bar: only where someone watches stderr."""
    return progress and sys.stderr.isatty()


def final_line(progress: bool, text: str) -> None:
    """Print ``text`` on stderr when progress is wanted but no bar was drawn (logs, notebooks)."""
    if progress and not sys.stderr.isatty():
        print(text, file=sys.stderr)
