"""``export_table``: every item of a table to a DynamoDB JSON lines file, atomically."""

from __future__ import annotations

import gzip
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from botocore.exceptions import BotoCoreError, ClientError
from tqdm import tqdm

from ... import constants as C
from ...errors import DynamoError
from ...model.requests import Request
from ..dynamo import consumed, wrap
from .lines import TransferError, export_line
from .progress import bar_on, count, final_line


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_table` wrote."""

    table_name: str
    path: str
    items: int
    pages: int
    consumed_capacity: float

    def summary(self) -> str:
        """One line, e.g. ``exported 116 items from 'cruddur-messages' to out.json.gz``."""
        return f"exported {count(self.items)} from {self.table_name!r} to {self.path}"

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return {
            "table": self.table_name,
            "path": self.path,
            "items": self.items,
            "pages": self.pages,
            "consumed_capacity": self.consumed_capacity,
        }


def export_table(
    engine: Any, table_name: str, path: str | os.PathLike[str], *, progress: bool = True
) -> ExportResult:
    """Write every item of ``table_name`` to ``path`` as DynamoDB JSON lines.

    Pages with botocore's Scan paginator. The file is written to a temporary file in the same
    folder and moved into place at the end, so ``path`` is either the whole export or left as
    it was. A path ending in ``.gz`` is gzipped, like the data files of an S3 export.

    :param table_name: the table to export.
    :param path: the file to write (replaced if it exists).
    :param progress: a progress bar when stderr is a terminal, else one final line on stderr.
    :returns: the items and pages written and the read capacity the scan consumed (computed).
    :raises TableNotFound: if the table does not exist.
    :raises TransferError: if ``path`` cannot be written, naming it and why.
    :raises DynamoError: if a Scan fails.
    """
    target = Path(path)
    if target.is_dir():
        raise TransferError(f"cannot export to {str(target)!r}: it is a folder; give a file path")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise TransferError(f"cannot write {str(target)!r}: {exc.strerror or exc}", exc) from exc
    items = pages = 0
    capacity = 0.0
    bar = tqdm(desc=f"exporting {table_name}", unit="item", disable=not bar_on(progress))
    try:
        with os.fdopen(fd, "wb") as raw:
            # mtime=0 and the final name in the header: the same table gives the same bytes.
            zipped = (
                gzip.GzipFile(filename=target.name[:-3], mode="wb", fileobj=raw, mtime=0)
                if target.name.endswith(".gz")
                else None
            )
            out: IO[bytes] = zipped or raw
            for request, page in _scan_pages(engine, table_name):
                pages += 1
                capacity += consumed(engine, request, page).total
                batch = page.get(C.ITEMS, [])
                out.write("".join(export_line(i) + "\n" for i in batch).encode("utf-8"))
                items += len(batch)
                bar.update(len(batch))
            if zipped is not None:
                zipped.close()  # writes the gzip trailer; leaves raw open
            raw.flush()
            os.fsync(raw.fileno())
        # mkstemp makes the file private (0600); an export is an ordinary file.
        os.chmod(temp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(temp, target)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            reason = exc.strerror or exc
            raise TransferError(f"cannot write {str(target)!r}: {reason}", exc) from exc
        raise
    finally:
        bar.close()
    result = ExportResult(table_name, str(target), items, pages, capacity)
    final_line(progress, result.summary())
    return result


def _scan_pages(engine: Any, table_name: str) -> Iterator[tuple[Request, dict[str, Any]]]:
    request = Request("Scan", {C.TABLE_NAME: table_name, C.RETURN_CONSUMED_CAPACITY: C.TOTAL})
    paginator = engine.client("dynamodb").get_paginator("scan")
    try:
        for page in paginator.paginate(**request.params):
            yield request, page
    except ClientError as exc:
        raise wrap(exc, request, engine) from exc
    except BotoCoreError as exc:
        raise DynamoError(
            f"Scan could not reach DynamoDB at {engine.describe()}: {exc}", exc
        ) from exc
