"""Snapshots of the managed server's DynamoDB tables: saved atomically, restored on start.

Runs inside the server process and reads moto's backend directly. A snapshot holds, for every
account and region, each table's CreateTable shape (keys, attribute definitions, indexes with
their projections, billing and throughput, stream specification) and its items in DynamoDB
JSON. It is written to a temporary file, flushed to disk and renamed over the old one, so a
crash during a save leaves the previous snapshot whole.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..paths import private_dir

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


def save(db_path: str | Path, lock: Any = None) -> Path:
    """Snapshot every table and write it atomically to ``db_path``.

    :param lock: held while the tables are read (not while the file is written), so the
        snapshot never holds half a request: the guard's lock around every DynamoDB request.
    """
    if lock is None:
        return write_snapshot(db_path, take_snapshot())
    with lock:
        snapshot = take_snapshot()
    return write_snapshot(db_path, snapshot)


def restore(db_path: str | Path) -> int:
    """Recreate the tables of ``db_path``'s snapshot in this process's moto backend.

    Items are put before the stream is switched on, so restoring adds no stream records.

    :returns: how many tables were restored (0 without a snapshot).
    :raises ValueError: if the snapshot is not one this version wrote.
    """
    path = snapshot_path(db_path)
    if not path.exists():
        return 0
    snapshot = json.loads(path.read_text())
    if snapshot.get("format") != FORMAT:
        raise ValueError(f"{path} has format {snapshot.get('format')!r}, expected {FORMAT}")
    from moto.dynamodb.models import dynamodb_backends

    for entry in snapshot["tables"]:
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
    return len(snapshot["tables"])
