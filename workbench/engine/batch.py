"""Batched, parallel writes with retries of unprocessed items and a progress bar.

Items are taken from an iterator a batch at a time, with a bounded number of batches in
flight, so writing 100,000 generated items never holds them all in memory.
"""

from __future__ import annotations

import itertools
import random
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from .. import constants as C
from ..errors import DynamoError
from ..model.items import to_item
from ..model.requests import Request
from .dynamo import send

MAX_ATTEMPTS = 8


def _chunks(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _write_batch(engine: Any, table_name: str, requests: list[dict[str, Any]]) -> int:
    pending = {table_name: requests}
    for attempt in range(MAX_ATTEMPTS):
        response = send(engine, Request("BatchWriteItem", {C.REQUEST_ITEMS: pending}))
        pending = response.get(C.UNPROCESSED_ITEMS) or {}
        if not pending:
            return len(requests)
        # Throttled or too big for now: back off with jitter, as the AWS SDKs advise.
        time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
    left = sum(len(v) for v in pending.values())
    raise DynamoError(
        f"BatchWriteItem on {table_name!r}: {left} items still unprocessed after "
        f"{MAX_ATTEMPTS} attempts (the table is throttling; raise its write capacity)"
    )


def write_batches(
    engine: Any,
    table_name: str,
    items: Iterable[Mapping[str, Any]],
    *,
    delete: bool = False,
    workers: int = 8,
    total: int | None = None,
    progress: bool = True,
    description: str = "writing",
    typed: bool = False,
) -> int:
    """Put (or, with ``delete``, delete by key) every item, 25 per ``BatchWriteItem``.

    :param items: plain-valued items (for ``delete``, keys).
    :param workers: batches sent in parallel.
    :param total: how many items to expect, for the progress bar.
    :param typed: the items are already typed (boto3 client form) and are sent as they are;
        :func:`~workbench.engine.transfer.import_table` needs this for ``NS``/``BS`` and exact
        numbers.
    :returns: the number of items written.
    :raises DynamoError: if a batch still has unprocessed items after retries.
    """
    kind, field = (C.DELETE_REQUEST, C.KEY) if delete else (C.PUT_REQUEST, C.ITEM)
    batches = (
        [{kind: {field: dict(item) if typed else to_item(item)}} for item in chunk]
        for chunk in _chunks(items, C.BATCH_WRITE_MAX)
    )
    from tqdm import tqdm  # here, not at the top: the CLI's --help imports this module

    done = 0
    # A bar only on a terminal: elsewhere (CI logs, notebooks' stderr) it would leave debris;
    # callers print one summary line instead.
    bar = tqdm(
        total=total,
        desc=description,
        unit="item",
        leave=False,
        disable=not progress or not sys.stderr.isatty(),
    )
    with ThreadPoolExecutor(max_workers=workers) as pool:
        in_flight: set[Future[int]] = set()
        try:
            for batch in batches:
                if len(in_flight) >= workers * 2:
                    finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in finished:
                        count = future.result()
                        done += count
                        bar.update(count)
                in_flight.add(pool.submit(_write_batch, engine, table_name, batch))
            for future in in_flight:
                count = future.result()
                done += count
                bar.update(count)
        finally:
            for future in in_flight:
                future.cancel()
            bar.close()
    return done
