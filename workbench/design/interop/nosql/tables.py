"""NoSQL Workbench files holding several tables: what ``--table NAME`` means.

Every command that reads a model file takes ``--table NAME`` (``table=`` in Python), and it
always means "the table NAME": in a file holding several tables it picks that table of the
file, which is then created and queried under that name; in a file with one table (any of
ours) it is that table under the name NAME. With several tables and no NAME, a command that
needs one table says so, listing them; a NAME that is no table of such a file is named with
the tables there are. ``model export`` without ``--table`` writes every table of the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ....errors import ModelError
from ....model.problems import Problem

__all__ = ["choose", "renamed", "table_names"]


def table_names(document: Any) -> list[str]:
    """The ``TableName`` of each table of a NoSQL Workbench document, in file order (a table
    without a usable name is left out: the shape check names it)."""
    tables = document.get("DataModel") if isinstance(document, Mapping) else None
    if not isinstance(tables, list):
        return []
    return [
        t["TableName"]
        for t in tables
        if isinstance(t, Mapping) and isinstance(t.get("TableName"), str)
    ]


def choose(names: list[str], table: str | None, source: str = "the file") -> int:
    """The position of the table called ``table`` among a file's tables ``names``.

    One table is always chosen (``table`` then names it: see :func:`renamed`).

    :param source: the file, as messages name it (``model file 'all.json'``).
    :raises ModelError: for several tables and no ``table`` (listing them and the option), a
        ``table`` that is none of them, or a name two tables share.
    """
    if len(names) == 1:
        return 0
    if table is None:
        raise ModelError(
            f"{source} holds {len(names)} tables {names}: choose one with --table NAME"
        )
    if table not in names:
        raise ModelError(f"{source} has no table {table!r}; its tables: {names} (--table NAME)")
    if names.count(table) > 1:
        raise ModelError(f"{source} has {names.count(table)} tables called {table!r}")
    return names.index(table)


def renamed(table_doc: dict[str, Any], table: str | None, path: str, notes: list[Problem]) -> None:
    """Give the one table of a file the name ``table`` (changed in place), with a note.

    :param table_doc: our document's ``table:`` for the file's only table.
    :param path: that table's JSON path, for the note.
    """
    if table is None or table == table_doc["name"]:
        return
    notes.append(
        (
            f"{path}.TableName",
            f"the file's one table {table_doc['name']!r} is imported as {table!r} (--table)",
        )
    )
    table_doc["name"] = table
