"""A local event-source mapping: read a table's stream and deliver batches to a handler."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import StreamError
from ...paths import state_dir
from .events import LocalContext, batch_item_failures, first_failure, lambda_record
from .source import POSITIONS, Checkpoint, PollError, Shard, StreamSource, TableGone

log = logging.getLogger(__name__)

MAX_BACKOFF = 5.0
MAX_ERRORS = 100

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class RunStats:
    """Counts of delivered work (per :meth:`StreamRunner.run_once`, or since the start)."""

    records: int = 0
    batches: int = 0
    retries: int = 0
    failures: int = 0
    seconds: float = 0.0

    def since(self, earlier: RunStats) -> RunStats:
        """What was added after the snapshot ``earlier``."""
        return RunStats(
            *(getattr(self, f.name) - getattr(earlier, f.name) for f in dataclasses.fields(self))
        )

    def __str__(self) -> str:
        return (
            f"{self.records} records in {self.batches} batches, {self.retries} retries, "
            f"{self.failures} failed batches, {self.seconds:.2f}s"
        )


@dataclass
class DeadLetter:
    """A batch that still failed after every retry (kept with ``on_failure="skip"``)."""

    shard_id: str
    first_sequence: str
    last_sequence: str
    error: str
    records: list[dict[str, Any]] = field(repr=False, default_factory=list)


class StreamRunner:
    """Deliver a table's stream to a handler, as Lambda's event source mapping does on AWS.

    :param engine: from :func:`workbench.connect` (the local server, moto, an endpoint, AWS).
    :param table_name: the table whose stream is read.
    :param handler: ``handler(event, context)``; default: pattern E's handler on this engine.
    :param batch_size: at most this many records per handler call (GetRecords ``Limit``).
    :param starting_position: ``TRIM_HORIZON`` or ``LATEST``, for shards with no checkpoint.
    :param checkpoint_path: the JSON checkpoint; default in the state folder, per engine+table.
    :param poll_interval: seconds between polls of the background thread.
    :param max_retries: how often a failed batch is retried before ``on_failure`` applies.
    :param on_failure: ``raise`` (stop with a StreamError) or ``skip`` (keep a dead letter).
    :param on_batch: called as ``on_batch(shard_id, records, result)`` after each delivery.
    :param on_notice: called with one line when the runner changes course on its own: the
        table's stream changed (it follows the new one), or the table is gone (it waits);
        default: a log warning.
    :raises StreamError: for an invalid setting.
    """

    def __init__(
        self,
        engine: Any,
        table_name: str = "cruddur-messages",
        *,
        handler: Handler | None = None,
        batch_size: int = 100,
        starting_position: str = "TRIM_HORIZON",
        checkpoint_path: str | Path | None = None,
        poll_interval: float = 0.1,
        max_retries: int = 3,
        on_failure: str = "raise",
        on_batch: Callable[[str, list[dict[str, Any]], Any], None] | None = None,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        starting_position = starting_position.upper().replace("-", "_")
        if starting_position not in POSITIONS:
            raise StreamError(f"starting position {starting_position!r}: choose one of {POSITIONS}")
        if on_failure not in ("raise", "skip"):
            raise StreamError(f"on_failure {on_failure!r}: choose 'raise' or 'skip'")
        if not 1 <= batch_size <= 1000:
            raise StreamError(f"batch size {batch_size!r} must be between 1 and 1000")
        if max_retries < 0 or poll_interval < 0:
            raise StreamError("max_retries and poll_interval must not be negative")
        self.engine = engine
        self.table_name = table_name
        self.handler: Handler = handler or self._pattern_e
        self.batch_size = batch_size
        self.starting_position = starting_position
        self.poll_interval = poll_interval
        self.max_retries = max_retries
        self.on_failure = on_failure
        self.on_batch = on_batch
        self.notices: list[str] = []
        self._on_notice = on_notice
        self.checkpoint_path = Path(checkpoint_path) if checkpoint_path else self._default_path()
        self.errors: list[str] = []
        self.dead_letters: list[DeadLetter] = []
        self._stats = RunStats()
        self.source = StreamSource(
            engine,
            table_name,
            starting_position,
            Checkpoint(self.checkpoint_path),
            on_notice=self._notice,
        )
        self._waiting_for_table = False
        self._lock = threading.RLock()  # one cycle at a time
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._cond = threading.Condition()
        self._idle_since = float("-inf")  # start of the latest cycle that found nothing new
        self._failure: StreamError | None = None

    # -- properties ------------------------------------------------------------------------

    @property
    def stats(self) -> RunStats:
        """Everything delivered since this runner was made."""
        return self._stats

    @property
    def failure(self) -> StreamError | None:
        """The error that stopped the background thread, if one did."""
        return self._failure

    @property
    def is_running(self) -> bool:
        """True while the background thread runs."""
        return self._thread is not None and self._thread.is_alive()

    # -- stream and checkpoint -------------------------------------------------------------

    def _default_path(self) -> Path:
        where = self.engine.endpoint_url or f"{self.engine.name}:{self.engine.region}"
        digest = hashlib.sha256(str(where).encode()).hexdigest()[:12]
        return state_dir() / "stream-checkpoints" / f"{digest}-{self.table_name}.json"

    def _pattern_e(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        from .handler import handle_records

        client = self.engine.client("dynamodb")
        return handle_records(event["Records"], client=client, table_name=self.table_name).to_dict()

    def stream_arn(self) -> str:
        """The table's current stream ARN.

        :raises StreamError: if the table does not exist or has no enabled stream.
        """
        return self.source.stream_arn()

    # -- delivery --------------------------------------------------------------------------

    def _deliver(self, shard: Shard, records: list[dict[str, Any]]) -> bool:
        """Deliver one batch with retries; False if stopped before it succeeded."""
        arn = self.stream_arn()
        pending, attempt = records, 0
        while True:
            event = {"Records": [lambda_record(r, arn, self.engine.region) for r in pending]}
            outcome: Any = None
            try:
                outcome = self.handler(event, LocalContext())
                failed_at = first_failure(outcome, pending)
                error = f"handler reported failed records {batch_item_failures(outcome)}"
            except Exception as exc:  # the handler is user code: report, retry, never die
                failed_at, error = 0, f"{type(exc).__name__}: {exc}"
            done = pending if failed_at is None else pending[:failed_at]
            if done:  # Lambda checkpoints up to the first failed record
                self._stats.records += len(done)
                self.source.checkpoint.commit(
                    shard.shard_id, done[-1]["dynamodb"]["SequenceNumber"]
                )
            if failed_at is None:
                self._stats.batches += 1
                self._report(shard, records, outcome)
                return True
            pending = pending[failed_at:]
            log.warning(
                "batch on shard %s failed (attempt %d): %s", shard.shard_id, attempt + 1, error
            )
            if attempt >= self.max_retries:
                break
            attempt += 1
            self._stats.retries += 1
            if self._stop.wait(min(MAX_BACKOFF, 0.1 * 2 ** (attempt - 1))):
                return False  # stopping: the checkpoint still points before this batch
        self._give_up(shard, pending, error)
        return True

    def _report(self, shard: Shard, records: list[dict[str, Any]], outcome: Any) -> None:
        if self.on_batch is None:
            return
        try:
            self.on_batch(shard.shard_id, records, outcome)
        except Exception as exc:  # a reporting callback must not stop delivery
            log.warning("on_batch callback failed: %s", exc)

    def _give_up(self, shard: Shard, records: list[dict[str, Any]], error: str) -> None:
        self._stats.failures += 1
        first = records[0]["dynamodb"]["SequenceNumber"]
        last = records[-1]["dynamodb"]["SequenceNumber"]
        message = (
            f"batch {first}..{last} on shard {shard.shard_id} of {self.table_name!r} still "
            f"failed after {self.max_retries} retries: {error}"
        )
        self.errors.append(message)
        log.error(message)
        if self.on_failure == "raise":
            shard.iterator = None  # read the batch again from the checkpoint next time
            raise StreamError(message)
        self.dead_letters.append(DeadLetter(shard.shard_id, first, last, error, records))
        self.source.checkpoint.commit(shard.shard_id, last)

    def _read_shard(self, shard: Shard) -> int:
        """Deliver what the shard holds now; returns records read, plus 1 if it ended."""
        progress = 0
        while not self._stop.is_set():
            records, ended = self.source.get_records(shard, self.batch_size)
            if records:
                if not self._deliver(shard, records):
                    shard.iterator = None  # stopped mid-retry: resume from the checkpoint
                    return progress
                progress += len(records)
            if ended:  # closed and fully delivered: its children come next
                self.source.finish(shard)
                return progress + 1
            if not records:
                break
        return progress

    def _cycle(self) -> int:
        """One pass over every ready shard; returns the progress made (0: nothing new)."""
        with self._lock:
            return sum(self._read_shard(shard) for shard in self.source.ready())

    # -- public API ------------------------------------------------------------------------

    def run_once(self) -> RunStats:
        """Deliver everything on the stream now (including records the handler writes).

        :returns: what this call delivered.
        :raises StreamError: if the table has no stream, or a batch failed with
            ``on_failure="raise"``.
        """
        if self.is_running:
            raise StreamError("the runner is running in the background; use wait_until_caught_up")
        self._stop.clear()
        before = dataclasses.replace(self._stats)
        started = time.perf_counter()
        self.source.refresh(force=True)
        try:
            while self._cycle():
                pass
        finally:
            self._stats.seconds += time.perf_counter() - started
        return self._stats.since(before)

    def _loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                progress = self._cycle()
                failures = 0
                self._waiting_for_table = False
            except TableGone:  # dropped, or the server restarted: wait, saying so once
                if not self._waiting_for_table:
                    self._waiting_for_table = True
                    self._notice(
                        f"table {self.table_name!r} is gone from {self.engine.describe()}; "
                        "waiting for it to come back (e.g. `workbench ddb schema-load`)"
                    )
                failures = max(failures, 3)  # poll it gently meanwhile
                progress = -1
            except PollError as exc:  # e.g. throttled: report, keep polling
                failures += 1
                self._note(str(exc), failures)
                progress = -1
            except StreamError as exc:
                self._failure = exc
                log.error("stream runner for %r stopped: %s", self.table_name, exc)
                with self._cond:
                    self._cond.notify_all()
                return
            except Exception as exc:  # e.g. the local server restarting: report, keep polling
                failures += 1
                self._note(f"{type(exc).__name__}: {exc}", failures)
                progress = -1
            self._stats.seconds += time.monotonic() - began
            with self._cond:
                if progress == 0:
                    self._idle_since = began
                self._cond.notify_all()
            if progress <= 0:  # after progress, poll again at once: more may be waiting
                self._stop.wait(self.poll_interval * (2 ** min(failures, 5)))

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        del self.notices[:-MAX_ERRORS]
        if self._on_notice is None:
            log.warning("%s", text)
            return
        try:
            self._on_notice(text)
        except Exception as exc:  # a reporting callback must not stop delivery
            log.warning("on_notice callback failed: %s", exc)

    def _note(self, error: str, in_a_row: int) -> None:
        log.warning("stream poll failed (%d in a row): %s", in_a_row, error)
        self.errors.append(error)
        del self.errors[:-MAX_ERRORS]  # a long outage must not grow the list without bound

    def start(self) -> StreamRunner:
        """Poll in a background daemon thread until :meth:`stop`.

        :raises StreamError: at once if the table has no stream.
        """
        if self.is_running:
            return self
        self.stream_arn()
        self._stop.clear()
        self._failure = None
        self._thread = threading.Thread(
            target=self._loop, name=f"stream-runner-{self.table_name}", daemon=True
        )
        self._thread.start()
        return self

    def wait_until_caught_up(self, timeout: float = 10.0) -> RunStats:
        """Block until every record written before this call has been delivered.

        Done when a poll cycle that began after the call found nothing new.

        :raises StreamError: on timeout, if the runner is not running, or if it stopped on a
            failed batch.
        """
        self.source.due()  # the cycle that decides also checks that the stream is the same
        called = time.monotonic()
        deadline = called + timeout
        with self._cond:
            while self._idle_since < called:
                if self._failure:
                    raise self._failure
                if not self.is_running:
                    raise StreamError("the stream runner is not running: call start() first")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StreamError(
                        f"the stream runner for {self.table_name!r} did not catch up within "
                        f"{timeout}s ({self._stats}; errors: {self.errors[-3:]})"
                    )
                self._cond.wait(min(left, 0.5))
        return self._stats

    def stop(self, timeout: float = 10.0) -> RunStats:
        """Stop the background thread; the checkpoint is saved after every batch already."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the stream runner thread did not stop within %ss", timeout)
        return self._stats

    def __enter__(self) -> StreamRunner:
        return self.start()

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.stop()
        if self._failure is not None and exc_type is None:
            raise self._failure  # never let a background failure pass silently
