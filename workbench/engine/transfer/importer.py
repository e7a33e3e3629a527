"""``import_table``: the items of a DynamoDB JSON lines file into a table, all or nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import TableNotFound
from ...model import CRUDDUR, limits
from ..batch import write_batches
from ..overwrite import check_mode, delete_others, effect, guard
from ..tables import describe_table, schema_load
from .lines import read_items
from .progress import bar_on, count, final_line


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_table` wrote."""

    table_name: str
    path: str
    items: int
    created: bool
    mode: str = "refuse"
    overwritten: int = 0  # items the table held with a key the file also has
    kept: int = 0  # items ``merge`` kept (their key is not in the file)
    deleted: int = 0  # items ``replace`` deleted (their key is not in the file)

    def summary(self) -> str:
        """One line, e.g. ``imported 116 items from out.json.gz into 'cruddur-messages'``."""
        made = " (table created)" if self.created else ""
        done = effect(self.mode, self.overwritten, self.kept, self.deleted)
        made += f"; {done}" if done else ""
        return f"imported {count(self.items)} from {self.path} into {self.table_name!r}{made}"

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return {
            "table": self.table_name,
            "path": self.path,
            "items": self.items,
            "created": self.created,
            "mode": self.mode,
            "overwritten": self.overwritten,
            "kept": self.kept,
            "deleted": self.deleted,
        }


def import_table(
    engine: Any,
    path: str | os.PathLike[str],
    *,
    table_name: str | None = None,
    create: bool = False,
    progress: bool = True,
    workers: int = 8,
    mode: str = "refuse",
    confirm: str | None = None,
) -> ImportResult:
    """Write the items of a DynamoDB JSON lines file (an S3 export's, or ImportTable's input).

    The whole file is read and checked first (see :func:`~workbench.engine.transfer.read_items`);
    on any problem nothing is written, and a table that ``create`` would make is not made.

    :param path: the file, plain or gzipped (recognised by its content, not its name).
    :param table_name: the target table (default: the model's ``cruddur-messages``).
    :param create: create a missing table with the model's schema, as ``schema-load`` does.
    :param progress: a progress bar when stderr is a terminal, else one final line on stderr.
    :param workers: batches written in parallel.
    :param mode: what to do when the table already holds items (any item at all):
        ``"refuse"`` (write nothing), ``"merge"`` (overwrite the same keys, keep the rest) or
        ``"replace"`` (write the file's items, then delete every other item); see
        :mod:`workbench.engine.overwrite`.
    :param confirm: on ``aws``, writing into a table that holds items needs ``confirm``
        equal to the table name.
    :returns: how many items were written (and overwritten, and deleted), and whether the
        table was created.
    :raises TableNotFound: if the table does not exist and ``create`` is false.
    :raises OverwriteRefused: if the table holds items and ``mode`` is ``"refuse"`` (or, on
        AWS, ``confirm`` is not the table name); it names how many would be overwritten.
    :raises TransferError: naming the file, the line and the problem, if the file is bad.
    :raises DynamoError: if a write fails.
    """
    table_name = table_name or CRUDDUR.table.name
    check_mode(mode)
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
    found = (
        guard(engine, table_name, items, schema.key_names, mode=mode, confirm=confirm)
        if exists
        else None
    )
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
    deleted = (
        delete_others(engine, found, progress=bar_on(progress))
        if found and mode == "replace"
        else 0
    )
    result = ImportResult(
        table_name,
        str(Path(path)),
        written,
        not exists,
        mode,
        found.overwritten if found else 0,
        found.kept if found and mode == "merge" else 0,
        deleted,
    )
    final_line(progress, result.summary())
    return result
