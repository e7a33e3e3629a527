"""Snapshots of the managed server's DynamoDB tables: saved atomically, restored on start.

Runs inside the server process and reads moto's backend directly. A snapshot holds, for every
account and region, each table's CreateTable shape (keys, attribute definitions, indexes with
their projections, billing and throughput, stream specification) and its items in DynamoDB
JSON. It is written to a temporary file, flushed to disk and renamed over the old one, so a
crash during a save leaves the previous snapshot whole. The writes acknowledged since are in
the journal (:mod:`workbench.engine.local.journal`), replayed after the snapshot on start.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from contextlib import nullcontext
from pathlib import Path
from typing import Any, NamedTuple

from ...paths import private_dir
from .journal import Journal, SnapshotError, next_generation, replay

SNAPSHOT_NAME = "tables.json"
FORMAT = 1


def snapshot_path(db_path: str | Path) -> Path:
    """The snapshot file in ``db_path``."""
    return Path(db_path) / SNAPSHOT_NAME


def _index_shape(index: Any, with_throughput: bool) -> dict[str, Any]:
    shape = {"IndexName": index.name, "KeySchema": index.schema, "Projection": index.projection}
    if with_throughput and getattr(index, "throughput", None):
        shape["ProvisionedThroughput"] = {
            "ReadCapacityUnits": index.throughput["ReadCapacityUnits"],
            "WriteCapacityUnits": index.throughput["WriteCapacityUnits"],
        }
    return shape


def table_shape(table: Any) -> dict[str, Any]:
    """A moto table's CreateTable parameters (without its items)."""
    provisioned = table.billing_mode != "PAY_PER_REQUEST"
    shape: dict[str, Any] = {
        "TableName": table.name,
        "KeySchema": table.schema,
        "AttributeDefinitions": table.attr,
        "BillingMode": "PROVISIONED" if provisioned else "PAY_PER_REQUEST",
    }
    if provisioned:
        shape["ProvisionedThroughput"] = {
            "ReadCapacityUnits": table.throughput["ReadCapacityUnits"],
            "WriteCapacityUnits": table.throughput["WriteCapacityUnits"],
        }
    if table.global_indexes:
        shape["GlobalSecondaryIndexes"] = [
            _index_shape(i, provisioned) for i in table.global_indexes
        ]
    if table.indexes:
        shape["LocalSecondaryIndexes"] = [_index_shape(i, False) for i in table.indexes]
    stream = table.stream_specification or {}
    if stream.get("StreamEnabled"):
        shape["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": stream["StreamViewType"],
        }
    return shape


def take_snapshot(attempts: int = 5) -> dict[str, Any]:
    """Every DynamoDB table of this process's moto backend, with its items.

    :param attempts: how often to try: a request served meanwhile may change a table while
        it is read ("dictionary changed size during iteration"), which a new try gets past.
    :raises RuntimeError: if every attempt met a change.
    """
    for attempt in range(attempts):
        try:
            return _snapshot_once()
        except RuntimeError:
            if attempt + 1 == attempts:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _snapshot_once() -> dict[str, Any]:
    from moto.dynamodb.models import dynamodb_backends

    tables = []
    for account, regions in list(dynamodb_backends.items()):
        for region, backend in list(regions.items()):
            for table in list(backend.tables.values()):
                tables.append(
                    {
                        "account": account,
                        "region": region,
                        "table": table_shape(table),
                        "items": [item.to_json()["Attributes"] for item in table.all_items()],
                    }
                )
    return {"format": FORMAT, "tables": tables}


def _binary(value: Any) -> str:
    # moto keeps some binary values as bytes; DynamoDB JSON (and moto's wire input) has them
    # in base64.
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot save a {type(value).__name__} in a snapshot")


def write_snapshot(db_path: str | Path, snapshot: dict[str, Any]) -> Path:
    """Write ``snapshot`` to ``db_path`` atomically (temp file, fsync, rename).

    :returns: the snapshot file.
    """
    folder = private_dir(db_path)
    target = snapshot_path(folder)
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=".tables-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(snapshot, out, separators=(",", ":"), default=_binary)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # The rename itself survives a power cut only once the folder is synced too.
    folder_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(folder_fd)
    finally:
        os.close(folder_fd)
    return target


def save(db_path: str | Path, lock: Any = None, journal: Journal | None = None) -> Path:
    """Snapshot every table and write it atomically to ``db_path``.

    :param lock: held while the tables are read (not while the file is written), so the
        snapshot never holds half a request: the guard's lock around every DynamoDB request.
    :param journal: the server's journal: under the same lock it starts a new generation,
        which the snapshot records; once the snapshot is on disk the older journals, which
        it holds, are deleted.
    """
    with lock if lock is not None else nullcontext():
        snapshot = take_snapshot()
        if journal is not None:
            snapshot["journal"] = journal.rotate()
    target = write_snapshot(db_path, snapshot)
    if journal is not None:
        journal.discard_before(snapshot["journal"])
    return target


class Restored(NamedTuple):
    """What :func:`restore` found: tables, replayed writes, and the journal's next generation."""

    tables: int
    writes: int
    generation: int


def _snapshot_error(path: Path, reason: str) -> SnapshotError:
    return SnapshotError(
        f"cannot restore the tables from the --db-path snapshot {path}: {reason}. Nothing was "
        f"changed: move {path.name} aside (or put back a good copy) and start again, or start "
        "without --db-path"
    )


def _load(path: Path) -> dict[str, Any]:
    """The snapshot at ``path``, checked to be one this version wrote."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise _snapshot_error(path, f"it cannot be read ({exc.strerror})") from exc
    if not text.strip():
        raise _snapshot_error(path, "it is empty")
    try:
        snapshot = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _snapshot_error(path, f"it is not valid JSON, cut short or damaged ({exc})") from exc
    if not isinstance(snapshot, dict) or snapshot.get("format") != FORMAT:
        found = snapshot.get("format") if isinstance(snapshot, dict) else None
        raise _snapshot_error(
            path,
            f"it has format {found!r}, not {FORMAT} (not a snapshot this version of the "
            "workbench wrote)",
        )
    generation = snapshot.get("journal", 0)
    if not isinstance(snapshot.get("tables"), list) or type(generation) is not int:
        raise _snapshot_error(path, "its tables or journal generation are missing or damaged")
    return snapshot


def restore(db_path: str | Path) -> Restored:
    """Recreate the tables of ``db_path``'s snapshot in this process's moto backend, then
    replay the writes journaled since.

    Items are put before the stream is switched on, and replayed writes leave no stream
    records, so restoring adds no stream records. The snapshot and journals are only read.

    :returns: the tables restored and writes replayed (0 without a snapshot or journal).
    :raises SnapshotError: if the snapshot or a journal is damaged or not one this version
        wrote, naming the file and what to do.
    """
    path = snapshot_path(db_path)
    if not path.exists():
        return _replay(db_path, 0, 0)
    snapshot = _load(path)
    from moto.dynamodb.models import dynamodb_backends

    try:
        _create_tables(snapshot["tables"], dynamodb_backends)
    except Exception as exc:  # KeyError, TypeError, moto's own errors: all mean damage
        reason = f"a table in it is damaged ({type(exc).__name__}: {exc})"
        raise _snapshot_error(path, reason) from exc
    return _replay(db_path, len(snapshot["tables"]), snapshot.get("journal", 0))


def _replay(db_path: str | Path, tables: int, since: int) -> Restored:
    from moto.dynamodb.models import dynamodb_backends

    writes = replay(db_path, since)
    if writes:
        # As for the snapshot's items: what was restored is not news for a stream reader.
        for regions in dynamodb_backends.values():
            for backend in regions.values():
                for table in backend.tables.values():
                    if table.stream_shard is not None:
                        table.stream_shard.items = []
    return Restored(tables, writes, next_generation(db_path, since))


def _create_tables(tables: list[dict[str, Any]], dynamodb_backends: Any) -> None:
    for entry in tables:
        shape = entry["table"]
        backend = dynamodb_backends[entry["account"]][entry["region"]]
        table = backend.create_table(
            shape["TableName"],
            schema=shape["KeySchema"],
            throughput=shape.get("ProvisionedThroughput"),
            attr=shape["AttributeDefinitions"],
            global_indexes=shape.get("GlobalSecondaryIndexes", []),
            indexes=shape.get("LocalSecondaryIndexes", []),
            streams=None,
            billing_mode=shape["BillingMode"],
            sse_specification=None,
            tags=[],
            deletion_protection_enabled=False,
            warm_throughput=None,
        )
        for item in entry["items"]:
            backend.put_item(shape["TableName"], item)
        if "StreamSpecification" in shape:
            table.set_stream_specification(shape["StreamSpecification"])
