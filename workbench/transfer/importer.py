"""``import_table``: the items of a DynamoDB JSON lines file into a table, all or nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..batch import write_batches
from ..errors import TableNotFound
from ..model import CRUDDUR, limits
from ..schema import describe_table, schema_load
from .lines import read_items
from .progress import bar_on, count, final_line


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_table` wrote."""

    table_name: str
    path: str
    items: int
    created: bool

    def summary(self) -> str:
        """One line, e.g. ``imported 116 items from out.json.gz into 'cruddur-messages'``."""
        made = " (table created)" if self.created else ""
        return f"imported {count(self.items)} from {self.path} into {self.table_name!r}{made}"

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return {
            "table": self.table_name,
            "path": self.path,
            "items": self.items,
            "created": self.created,
        }


def import_table(
    engine: Any,
    path: str | os.PathLike[str],
    *,
    table_name: str | None = None,
    create: bool = False,
    progress: bool = True,
    workers: int = 8,
) -> ImportResult:
    """Write the items of a DynamoDB JSON lines file (an S3 export's, or ImportTable's input).

    The whole file is read and checked first (see :func:`~workbench.transfer.read_items`);
    on any problem nothing is written, and a table that ``create`` would make is not made.

    :param path: the file, plain or gzipped (recognised by its content, not its name).
    :param table_name: the target table (default: the model's ``cruddur-messages``).
    :param create: create a missing table with the model's schema, as ``schema-load`` does.
    :param progress: a progress bar when stderr is a terminal, else one final line on stderr.
    :param workers: batches written in parallel.
    :returns: how many items were written, and whether the table was created.
    :raises TableNotFound: if the table does not exist and ``create`` is false.
    :raises TransferError: naming the file, the line and the problem, if the file is bad.
    :raises DynamoError: if a write fails.
    """
    table_name = table_name or CRUDDUR.table.name
    try:
        schema = limits.KeySchema.from_description(describe_table(engine, table_name))
        exists = True
    except TableNotFound as exc:
        if not create:
            raise TableNotFound(
                f"table {table_name!r} does not exist on {engine.describe()}: run "
                f"`workbench ddb schema-load --table {table_name}` first (or import with "
                "--create)",
                exc.cause,
            ) from exc
        # Checked against the model it will be created from, before anything is created.
        schema, exists = limits.KeySchema.from_spec(CRUDDUR.table), False
    items = read_items(path, schema, table_name)
    if not exists:
        schema_load(engine, table_name)
    written = write_batches(
        engine,
        table_name,
        items,
        typed=True,
        total=len(items),
        workers=workers,
        progress=bar_on(progress),
        description=f"importing {table_name}",
    )
    result = ImportResult(table_name, str(Path(path)), written, not exists)
    final_line(progress, result.summary())
    return result
