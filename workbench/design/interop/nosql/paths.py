"""JSON paths into a NoSQL Workbench file, for notes and problems (``DataModel[0].TableData``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def member(path: str, name: str) -> str:
    """The JSON path of member ``name`` of ``path``: ``.PK``, or ``['GSI1-PK']`` for a name
    that dot notation cannot hold."""
    if _PLAIN_NAME.match(name):
        return f"{path}.{name}"
    return f"{path}[{name!r}]" if "'" not in name else f'{path}["{name}"]'


def rows(path: str, numbers: Sequence[int], total: int) -> str:
    """The JSON path of some items of the list at ``path``: ``[*]`` for all ``total`` of
    them, else their indexes (``TableData[0,3,4]``)."""
    if len(numbers) == total:
        return f"{path}[*]"
    return f"{path}[{','.join(str(n) for n in numbers)}]"


def items_path(facet: Mapping[str, Any]) -> str:
    """The JSON path of a facet's items: ``...TableFacets[2].TableData[*]``, or the rows of
    the table's own data it was given (``DataModel[0].TableData[0,3,4]``)."""
    if facet.get("items_path"):
        return str(facet["items_path"])
    path = str(facet["path"])
    return f"{path}[*]" if path.endswith(".TableData") else f"{path}.TableData[*]"
