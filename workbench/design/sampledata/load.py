"""Load a model's sample data: schema-load, then the batched writer; one summary line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .generate import entity_counts, file_samples, sample_items
from .spec import SampleSpec, read_spec

# -- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """What :func:`load` wrote: the table, how many items of each entity, from where."""

    table_name: str
    written: int
    counts: Mapping[str, int]
    source: str
    seed: int | None
    mode: str = "refuse"
    overwritten: int = 0  # items the table held with the key of a sample item
    kept: int = 0  # items ``merge`` kept (no sample item has their key)
    deleted: int = 0  # items ``replace`` deleted (no sample item has their key)

    def summary(self) -> str:
        """One line: ``loaded 412 items into 'shop' (Customer 20, Order 61, ...), seed 0``."""
        parts = ", ".join(f"{name} {n}" for name, n in self.counts.items())
        origin = f"seed {self.seed}" if self.source == "generate" else "the file's samples"
        from ...engine.overwrite import effect

        line = f"loaded {self.written} items into {self.table_name!r} ({parts}) from {origin}"
        done = effect(self.mode, self.overwritten, self.kept, self.deleted)
        return f"{line}; {done}" if done else line


def load(
    engine: Any,
    model: Any,
    table_name: str | None = None,
    *,
    source: str = "auto",
    seed: int | None = None,
    count: int | None = None,
    spec: SampleSpec | None = None,
    progress: bool = False,
    workers: int = 4,
    recreate: bool = False,
    items: list[dict[str, Any]] | None = None,
    mode: str = "refuse",
    confirm: str | None = None,
) -> Loaded:
    """Create the model's table (schema-load) and write its sample data, batched.

    :param table_name: default: the model's table name.
    :param source: see :func:`sample_items`.
    :param recreate: drop the table first if it exists (a report's own table: what a
        previous run's writes changed must not change this run's checks).
    :param items: the items to write, when the caller generated them already (so the table
        holds exactly the items it measures against); default: :func:`sample_items`.
    :param mode: what to do when the table already holds items (any item at all, whether
        or not the model describes it): ``"refuse"`` (write nothing), ``"merge"`` (overwrite
        the same keys, keep the rest) or ``"replace"`` (write the sample items, then delete
        every other item); see :mod:`workbench.engine.overwrite`.
    :param confirm: on ``aws``, writing into a table that holds items needs ``confirm``
        equal to the table name.
    :returns: what was written (and overwritten, and deleted), for a summary line.
    :raises OverwriteRefused: if the table holds items and ``mode`` is ``"refuse"`` (or, on
        AWS, ``confirm`` is not the table name); it names how many would be overwritten.
    :raises WorkbenchError: if the table exists and differs from the model, or a write fails.
    """
    from ...engine.batch import write_batches
    from ...engine.overwrite import check_mode, delete_others, guard
    from ...engine.tables import schema_load
    from ...model.items import to_item

    table_name = table_name or model.table.name
    check_mode(mode)
    spec = spec or SampleSpec()
    if items is None:
        items = sample_items(model, source=source, seed=seed, count=count, spec=spec)
    given = source == "file" or (
        source == "auto" and seed is None and count is None and bool(file_samples(model))
    )
    schema_load(engine, table_name, model=model, recreate=recreate)
    names = model.table.key_names
    keys = [to_item({name: item[name] for name in names}) for item in items]
    found = guard(engine, table_name, keys, names, mode=mode, confirm=confirm)
    written = write_batches(
        engine,
        table_name,
        items,
        total=len(items),
        progress=progress,
        workers=workers,
        description=f"loading {table_name}",
    )
    deleted = delete_others(engine, found, progress=progress) if mode == "replace" else 0
    return Loaded(
        table_name,
        written,
        entity_counts(model, items),
        "file" if given else "generate",
        None if given else (spec.seed if seed is None else seed),
        mode,
        found.overwritten,
        found.kept if mode == "merge" else 0,
        deleted,
    )


def load_file(
    engine: Any,
    model_file: str | Path,
    table_name: str | None = None,
    *,
    source: str = "auto",
    seed: int | None = None,
    count: int | None = None,
    progress: bool = False,
    mode: str = "refuse",
    confirm: str | None = None,
) -> Loaded:
    """:func:`load` for a model file, with the file's ``sample_data`` counts and seed.

    :param table_name: the table NAME (``--table``): that table of a file holding several,
        else the file's one table under that name (default: the model's).
    :raises ModelError: if the model file is refused (every problem named).
    """
    from ..modelfile import load_model

    model = load_model(model_file, table_name)
    return load(
        engine,
        model,
        table_name,
        source=source,
        seed=seed,
        count=count,
        spec=read_spec(model_file),
        progress=progress,
        mode=mode,
        confirm=confirm,
    )
