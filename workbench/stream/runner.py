"""A local event-source mapping: read a table's stream and deliver batches to the handler.

On AWS, Lambda's event source mapping reads the stream and invokes the function. DynamoDB
Local and moto have streams but no Lambda, so this runner does that job: every shard,
parents before children (following shard rollover), batches of ``batch_size``, retries of a
failed batch, and a checkpoint per shard so a restart resumes without losing records.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from ..errors import StreamError
from ..paths import state_dir

log = logging.getLogger(__name__)
POSITIONS = ("TRIM_HORIZON", "LATEST")
SHARD_REFRESH_SECONDS = 5.0


@dataclass
class RunStats:
    """Counts since the runner started."""

    records: int = 0
    batches: int = 0
    retries: int = 0
    failures: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"{self.records} records in {self.batches} batches, {self.retries} retries, "
            f"{self.failures} failed batches, {self.seconds:.2f}s"
        )


@dataclass
class _Shard:
    shard_id: str
    parent: str | None
    iterator: str | None = None
    finished: bool = False


@dataclass
class DeadLetter:
    """A batch that still failed after every retry (with ``on_failure="skip"``)."""

    shard_id: str
    first_sequence: str
    last_sequence: str
    error: str
    records: list[dict[str, Any]] = field(repr=False, default_factory=list)


def _jsonable_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    change = dict(record.get("dynamodb", {}))
    moment = change.get("ApproximateCreationDateTime")
    if isinstance(moment, datetime):
        change["ApproximateCreationDateTime"] = moment.timestamp()
    return {
        **{k: v for k, v in record.items() if k != "dynamodb"},
        "dynamodb": change,
        "eventSource": "aws:dynamodb",
        "eventSourceARN": stream_arn,
    }


class StreamRunner:
    """Deliver a table's stream to a handler, locally, like Lambda's event source mapping.

    :param engine: from :func:`workbench.connect`.
    :param table_name: the table whose stream is read.
    :param handler: ``handler(event, context)``; default: pattern E's handler on this engine.
    :param batch_size: records per delivery (``GetRecords`` limit).
    :param starting_position: ``TRIM_HORIZON`` (everything retained) or ``LATEST`` (only new).
    :param checkpoint_path: the JSON checkpoint (default: in the workbench's state folder).
    :param poll_interval: seconds between polls in the background.
    :param max_retries: how often a failed batch is retried before ``on_failure`` applies.
    :param on_failure: ``raise`` (stop with a StreamError) or ``skip`` (keep a dead letter).
    :param on_batch: called with ``(shard_id, records, result)`` after each delivered batch.
    """

    def __init__(
        self,
        engine: Any,
        table_name: str = "cruddur-messages",
        *,
        handler: Callable[[dict[str, Any], Any], Any] | None = None,
        batch_size: int = 100,
        starting_position: str = "TRIM_HORIZON",
        checkpoint_path: str | Path | None = None,
        poll_interval: float = 0.05,
        max_retries: int = 3,
        on_failure: str = "raise",
        on_batch: Callable[[str, list[dict[str, Any]], Any], None] | None = None,
    ) -> None:
        if starting_position not in POSITIONS:
            raise StreamError(f"starting position {starting_position!r}: choose one of {POSITIONS}")
        if on_failure not in ("raise", "skip"):
            raise StreamError(f"on_failure {on_failure!r}: choose 'raise' or 'skip'")
        if not 1 <= batch_size <= 1000:
            raise StreamError(f"batch size {batch_size!r} must be between 1 and 1000")
        self.engine = engine
        self.table_name = table_name
        self.handler = handler or self._pattern_e_handler
        self.batch_size = batch_size
        self.starting_position = starting_position
        self.poll_interval = poll_interval
        self.max_retries = max_retries
        self.on_failure = on_failure
        self.on_batch = on_batch
        self.checkpoint_path = Path(checkpoint_path) if checkpoint_path else self._default_path()
        self.stats = RunStats()
        self.errors: list[str] = []
        self.dead_letters: list[DeadLetter] = []
        self._streams = engine.client("dynamodbstreams")
        self._stream_arn: str | None = None
        self._shards: dict[str, _Shard] = {}
        self._listed_at = 0.0
        self._first_listing = True
        self._checkpoint: dict[str, Any] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._cycle = threading.Condition()
        self._idle_after = 0.0  # monotonic start time of the latest cycle that found nothing
        self._failure: StreamError | None = None

    # -- set-up ----------------------------------------------------------------------------

    def _default_path(self) -> Path:
        where = hashlib.sha256(str(self.engine.endpoint_url or self.engine.name).encode())
        name = f"{where.hexdigest()[:12]}-{self.table_name}.json"
        return state_dir() / "stream-checkpoints" / name

    def _pattern_e_handler(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        from .handler import handle_records

        result = handle_records(
            event["Records"], client=self.engine.client("dynamodb"), table_name=self.table_name
        )
        return result.to_dict()

    def stream_arn(self) -> str:
        """The table's current stream ARN.

        :raises StreamError: if the table has no stream (or does not exist).
        """
        if self._stream_arn is None:
            try:
                table = self.engine.client("dynamodb").describe_table(TableName=self.table_name)
            except ClientError as exc:
                raise StreamError(f"cannot read table {self.table_name!r}: {exc}", exc) from exc
            arn = table["Table"].get("LatestStreamArn")
            spec = table["Table"].get("StreamSpecification") or {}
            if not arn or not spec.get("StreamEnabled", True):
                raise StreamError(
                    f"table {self.table_name!r} has no stream: create it with "
                    "`workbench ddb schema-load` (the model enables a NEW_IMAGE stream)"
                )
            self._stream_arn = arn
            self._load_checkpoint()
        return self._stream_arn

    def _load_checkpoint(self) -> None:
        try:
            saved = json.loads(self.checkpoint_path.read_text())
        except (OSError, ValueError):
            saved = {}
        if saved and saved.get("stream_arn") != self._stream_arn:
            log.info(
                "checkpoint %s is for another stream (table recreated); starting afresh",
                self.checkpoint_path,
            )
            saved = {}
        self._checkpoint = {
            "stream_arn": self._stream_arn,
            "shards": saved.get("shards", {}),
            "finished": saved.get("finished", []),
        }

    def _save_checkpoint(self) -> None:
        self.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.checkpoint_path.with_name(self.checkpoint_path.name + ".tmp")
        tmp.write_text(json.dumps(self._checkpoint, indent=2, sort_keys=True))
        os.replace(tmp, self.checkpoint_path)

    # -- shards ----------------------------------------------------------------------------

    def _list_shards(self) -> None:
        arn = self.stream_arn()
        params: dict[str, Any] = {"StreamArn": arn}
        while True:
            description = self._streams.describe_stream(**params)["StreamDescription"]
            for shard in description.get("Shards", []):
                if shard["ShardId"] not in self._shards:
                    finished = shard["ShardId"] in self._checkpoint["finished"]
                    self._shards[shard["ShardId"]] = _Shard(
                        shard["ShardId"], shard.get("ParentShardId"), finished=finished
                    )
            last = description.get("LastEvaluatedShardId")
            if not last:
                break
            params["ExclusiveStartShardId"] = last
        self._listed_at = time.monotonic()

    def _iterator(self, shard: _Shard, fresh: bool) -> str:
        params: dict[str, Any] = {"StreamArn": self.stream_arn(), "ShardId": shard.shard_id}
        done = self._checkpoint["shards"].get(shard.shard_id)
        if done:
            params.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=done)
        else:
            # Shards that appear later (rollover) are read from their start, as Lambda does.
            params["ShardIteratorType"] = self.starting_position if fresh else "TRIM_HORIZON"
        return self._streams.get_shard_iterator(**params)["ShardIterator"]

    # -- delivery --------------------------------------------------------------------------

    def _deliver(self, shard: _Shard, records: list[dict[str, Any]]) -> None:
        arn = self.stream_arn()
        event = {"Records": [_jsonable_record(r, arn) for r in records]}
        error = ""
        for attempt in range(self.max_retries + 1):
            try:
                result = self.handler(event, None)
                failures = (
                    (result or {}).get("batchItemFailures") if isinstance(result, dict) else None
                )
                if not failures:
                    self.stats.records += len(records)
                    self.stats.batches += 1
                    if self.on_batch:
                        self.on_batch(shard.shard_id, records, result)
                    return
                error = f"handler reported failed records {failures}"
            except Exception as exc:  # the handler is user code: report, retry, never die
                error = f"{type(exc).__name__}: {exc}"
            log.warning("batch on %s failed (attempt %d): %s", shard.shard_id, attempt + 1, error)
            if attempt < self.max_retries:
                self.stats.retries += 1
                time.sleep(min(2.0, 0.1 * 2**attempt))
        self.stats.failures += 1
        first = records[0]["dynamodb"]["SequenceNumber"]
        last = records[-1]["dynamodb"]["SequenceNumber"]
        message = (
            f"batch {first}..{last} on shard {shard.shard_id} failed after "
            f"{self.max_retries} retries: {error}"
        )
        self.errors.append(message)
        if self.on_failure == "raise":
            raise StreamError(message)
        self.dead_letters.append(DeadLetter(shard.shard_id, first, last, error, records))

    def _read_shard(self, shard: _Shard, fresh: bool) -> int:
        delivered = 0
        if shard.iterator is None:
            shard.iterator = self._iterator(shard, fresh)
        while shard.iterator and not self._stop.is_set():
            try:
                response = self._streams.get_records(
                    ShardIterator=shard.iterator, Limit=self.batch_size
                )
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code in ("ExpiredIteratorException", "TrimmedDataAccessException"):
                    log.info("shard %s: %s; getting a new iterator", shard.shard_id, code)
                    shard.iterator = self._iterator(shard, fresh=False)
                    continue
                raise StreamError(
                    f"GetRecords on shard {shard.shard_id} failed: {exc}", exc
                ) from exc
            records = response.get("Records", [])
            if records:
                self._deliver(shard, records)
                self._checkpoint["shards"][shard.shard_id] = records[-1]["dynamodb"][
                    "SequenceNumber"
                ]
                self._save_checkpoint()
                delivered += len(records)
            shard.iterator = response.get("NextShardIterator")
            if shard.iterator is None:
                shard.finished = True
                self._checkpoint["finished"].append(shard.shard_id)
                self._save_checkpoint()
                self._listed_at = 0.0  # its children may be listed now
            if not records:
                break
        return delivered

    def _cycle_once(self) -> int:
        if time.monotonic() - self._listed_at > SHARD_REFRESH_SECONDS:
            self._list_shards()
        fresh = self._first_listing
        delivered = 0
        for shard in list(self._shards.values()):
            if shard.finished:
                continue
            parent = self._shards.get(shard.parent) if shard.parent else None
            if parent is not None and not parent.finished:
                continue  # children after their parent, to keep each key's order
            delivered += self._read_shard(shard, fresh)
        self._first_listing = False
        return delivered

    # -- public API ------------------------------------------------------------------------

    def run_once(self) -> RunStats:
        """Deliver everything on the stream now, then return the stats."""
        started = time.perf_counter()
        self._listed_at = 0.0
        while self._cycle_once():
            pass
        self.stats.seconds += time.perf_counter() - started
        return self.stats

    def _loop(self) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                delivered = self._cycle_once()
            except StreamError as exc:
                self._failure = exc
                log.error("stream runner stopped: %s", exc)
                with self._cycle:
                    self._cycle.notify_all()
                return
            except Exception as exc:  # e.g. DynamoDB Local went away: report, keep polling
                self.errors.append(f"{type(exc).__name__}: {exc}")
                log.warning("stream poll failed: %s", exc)
                delivered = -1
            self.stats.seconds += time.monotonic() - began
            with self._cycle:
                if delivered == 0:
                    self._idle_after = began
                self._cycle.notify_all()
            self._stop.wait(self.poll_interval)

    def start(self) -> StreamRunner:
        """Run in a background thread until :meth:`stop`."""
        if self._thread and self._thread.is_alive():
            return self
        self.stream_arn()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="stream-runner", daemon=True)
        self._thread.start()
        return self

    def wait_until_caught_up(self, timeout: float = 10.0) -> RunStats:
        """Block until every record written before this call has been delivered.

        :raises StreamError: on timeout, or if the runner stopped on a failed batch.
        """
        called = time.monotonic()
        deadline = called + timeout
        with self._cycle:
            while self._idle_after < called:
                if self._failure:
                    raise self._failure
                if self._thread is None or not self._thread.is_alive():
                    raise StreamError("the stream runner is not running: call start() first")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StreamError(f"the stream runner did not catch up within {timeout}s")
                self._cycle.wait(left)
        if self._failure:
            raise self._failure
        return self.stats

    def stop(self, timeout: float = 10.0) -> RunStats:
        """Stop the background thread (the checkpoint is already saved)."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
        return self.stats

    def __enter__(self) -> StreamRunner:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
