"""Reading a table's stream: shards in order, iterators, and the per-shard checkpoint file."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from ...errors import StreamError
from ...paths import private_dir, write_private

log = logging.getLogger(__name__)

POSITIONS = ("TRIM_HORIZON", "LATEST")
SHARD_REFRESH_SECONDS = 5.0  # DescribeStream at most this often while shards are open
IDLE_REFRESH_SECONDS = 1.0  # ...and this often while waiting for a closed shard's children
_EXPIRED = ("ExpiredIteratorException", "TrimmedDataAccessException")
_GONE = "ResourceNotFoundException"
# What DynamoDB answers for an AFTER_SEQUENCE_NUMBER the shard does not hold...
_MISFIT = ("ValidationException",)
# ...and what moto answers instead: a server error. Only off AWS is that read as a bad
# checkpoint; on AWS a 5xx is DynamoDB's own failure, polled again like a throttle.
_MOTO_MISFIT = ("InternalFailure", "InternalServerError")
SEQUENCE_RE = re.compile(r"^\d{21,40}$")  # the API's SequenceNumber: 21 to 40 digits
FIX_CHECKPOINT = "delete it (the next run starts at --from) or pass another --checkpoint"


class PollError(StreamError):
    """A GetRecords failure worth polling again for (a background runner keeps going)."""


class TableGone(PollError):
    """The table does not exist (any more): a background runner waits for it to come back."""


def error_code(exc: ClientError) -> str:
    """The AWS error code of a ``ClientError``."""
    return exc.response.get("Error", {}).get("Code", "")


def streams_client(engine: Any) -> Any:
    """The engine's ``dynamodbstreams`` client."""
    return engine.client("dynamodbstreams")


class Checkpoint:
    """Per shard, the last delivered sequence number, and the shards read to their end.

    Saved as JSON, atomically (a temporary file, then ``os.replace``), after every change.

    :param path: the JSON file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stream_arn: str | None = None
        self.table_name: str | None = None
        self.sequences: dict[str, str] = {}
        self.finished: list[str] = []

    def load(self, stream_arn: str, table_name: str) -> bool:
        """Read the file; a checkpoint of another stream (table recreated) is discarded.

        :returns: True if the file held a checkpoint of another stream (now discarded).
        :raises StreamError: if the file holds JSON that is not a checkpoint.
        """
        try:
            saved = json.loads(self.path.read_text())
        except FileNotFoundError:
            saved = {}
        except (OSError, ValueError) as exc:
            log.warning("checkpoint %s is unreadable (%s); starting afresh", self.path, exc)
            saved = {}
        self._check_shape(saved)
        other = bool(saved) and saved.get("stream_arn") != stream_arn
        if other:
            log.info(
                "checkpoint %s is for stream %s, but the table's stream is now %s (the table "
                "was recreated); discarding it",
                self.path,
                saved.get("stream_arn"),
                stream_arn,
            )
            saved = {}
        self.stream_arn, self.table_name = stream_arn, table_name
        self.sequences = dict(saved.get("shards", {}))
        self.finished = list(saved.get("finished", []))
        return other

    def _check_shape(self, saved: Any) -> None:
        shards = saved.get("shards", {}) if isinstance(saved, dict) else None
        finished = saved.get("finished", []) if isinstance(saved, dict) else None
        problem = None
        if not isinstance(saved, dict):
            problem = f"a JSON {type(saved).__name__}, not an object"
        elif not isinstance(saved.get("stream_arn", ""), str | None):
            problem = "a stream_arn that is not a string"
        elif not isinstance(shards, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and SEQUENCE_RE.match(v)
            for k, v in shards.items()
        ):
            problem = "shards that are not {shard id: sequence number of 21-40 digits}"
        elif not isinstance(finished, list) or not all(isinstance(f, str) for f in finished):
            problem = "finished that is not a list of shard ids"
        if problem:
            raise StreamError(
                f"checkpoint {self.path} is not a stream checkpoint (it holds {problem}): "
                + FIX_CHECKPOINT
            )

    def reset(self, stream_arn: str, table_name: str) -> None:
        """Start afresh on ``stream_arn`` (the table's stream changed): nothing delivered yet."""
        self.stream_arn, self.table_name = stream_arn, table_name
        self.sequences, self.finished = {}, []
        self.save()

    def commit(self, shard_id: str, sequence: str) -> None:
        """Record that everything up to ``sequence`` on ``shard_id`` was delivered."""
        self.sequences[shard_id] = sequence
        self.save()

    def finish(self, shard_id: str) -> None:
        """Record that ``shard_id`` was read to its end."""
        if shard_id not in self.finished:
            self.finished.append(shard_id)
        self.save()

    def save(self) -> None:
        """Write the file atomically: a crash leaves the old or the new one, never half."""
        data = {
            "stream_arn": self.stream_arn,
            "table": self.table_name,
            "shards": self.sequences,
            "finished": self.finished,
        }
        # Private (0700 folder, 0600 file): checkpoints are the user's own state.
        private_dir(self.path.parent)
        write_private(self.path, json.dumps(data, indent=2, sort_keys=True))


@dataclass
class Shard:
    """One stream shard as the reader sees it."""

    shard_id: str
    parent: str | None
    position: str  # iterator type while the shard has no checkpoint
    iterator: str | None = None
    finished: bool = False


class StreamSource:
    """The stream of one table: its shards, parents before children, and their records.

    :param engine: the engine the table lives on.
    :param table_name: the table.
    :param starting_position: ``TRIM_HORIZON`` or ``LATEST`` for shards with no checkpoint.
    :param checkpoint: where progress is kept.
    """

    def __init__(
        self,
        engine: Any,
        table_name: str,
        starting_position: str,
        checkpoint: Checkpoint,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self.engine = engine
        self.table_name = table_name
        self.starting_position = starting_position
        self.checkpoint = checkpoint
        self.on_notice = on_notice or (lambda text: log.warning("%s", text))
        self.client = streams_client(engine)
        self._arn: str | None = None
        self._first_position = starting_position  # for the shards of the first listing
        self.shards: dict[str, Shard] = {}
        self._listed_at = float("-inf")

    def latest_stream_arn(self) -> str:
        """The table's stream ARN as DescribeTable gives it now.

        :raises TableGone: if the table does not exist.
        :raises PollError: if DescribeTable fails otherwise (throttled, a server error).
        :raises StreamError: if it has no enabled stream.
        """
        try:
            table = self.engine.client("dynamodb").describe_table(TableName=self.table_name)
        except ClientError as exc:
            if error_code(exc) == _GONE:
                raise TableGone(
                    f"cannot read table {self.table_name!r} on {self.engine.describe()}: "
                    f"{error_code(exc)}; create it with `workbench ddb schema-load`",
                    exc,
                ) from exc
            # Throttling, a 5xx: worth polling again (a background runner keeps going).
            raise PollError(
                f"DescribeTable of {self.table_name!r} on {self.engine.describe()} failed: "
                f"{error_code(exc)}",
                exc,
            ) from exc
        arn = table["Table"].get("LatestStreamArn")
        spec = table["Table"].get("StreamSpecification") or {}
        if not arn or not spec.get("StreamEnabled"):
            raise StreamError(
                f"table {self.table_name!r} has no stream enabled, so there is nothing to "
                "read: recreate it with `workbench ddb schema-load --recreate` (the model "
                "enables a NEW_IMAGE stream)"
            )
        return str(arn)

    def stream_arn(self) -> str:
        """The stream followed (at first the table's current one, loading its checkpoint).

        :raises StreamError: if the table does not exist or has no enabled stream.
        """
        if self._arn is None:
            arn = self.latest_stream_arn()
            self._arn = arn
            if self.checkpoint.load(arn, self.table_name):
                self.on_notice(
                    f"checkpoint {self.checkpoint.path} was for an earlier stream of "
                    f"{self.table_name!r} (recreated?): following {arn} from "
                    f"{self.starting_position.lower().replace('_', '-')}"
                )
        return self._arn

    def check_stream(self) -> bool:
        """Re-read the table's latest stream and follow it if it changed.

        After ``schema-load --recreate`` or a server restart the table has a new stream: its
        records are all new, so it is read from the trim horizon with a fresh checkpoint.

        :returns: True if the stream changed (every shard of the old one is forgotten).
        :raises TableGone: if the table does not exist (now).
        """
        old = self.stream_arn()
        arn = self.latest_stream_arn()
        if arn == old:
            return False
        self.on_notice(
            f"the stream of {self.table_name!r} changed (recreated?): following {arn} from "
            "trim-horizon"
        )
        self._arn = arn
        self.checkpoint.reset(arn, self.table_name)
        self.shards = {}
        self._first_position = "TRIM_HORIZON"
        self._listed_at = float("-inf")
        return True

    def is_current(self, shard: Shard) -> bool:
        """False once ``shard`` belongs to a stream no longer followed."""
        return self.shards.get(shard.shard_id) is shard

    def due(self) -> None:
        """Make the next :meth:`refresh` list the shards and check the stream."""
        self._listed_at = float("-inf")

    def refresh(self, force: bool = False) -> None:
        """List the shards (DescribeStream, every page) if due or ``force``."""
        every = SHARD_REFRESH_SECONDS if self._open() else IDLE_REFRESH_SECONDS
        if not force and time.monotonic() - self._listed_at <= every:
            return
        self.check_stream()
        arn = self.stream_arn()
        first = not self.shards
        params: dict[str, Any] = {"StreamArn": arn}
        while True:
            try:
                description = self.client.describe_stream(**params)["StreamDescription"]
            except ClientError as exc:
                if error_code(exc) == _GONE:  # gone between DescribeTable and now: next time
                    raise PollError(f"stream {arn} is gone: {error_code(exc)}", exc) from exc
                raise PollError(f"DescribeStream on {arn}: {exc}", exc) from exc
            for info in description.get("Shards", []):
                if info["ShardId"] not in self.shards:
                    self._add(info, first)
            last = description.get("LastEvaluatedShardId")
            if not last:
                break
            params["ExclusiveStartShardId"] = last
        self._listed_at = time.monotonic()

    def _add(self, info: dict[str, Any], first: bool) -> None:
        shard_id = info["ShardId"]
        # LATEST applies to the shards there when reading starts; shards that appear later
        # (rollover) are read from their start, as Lambda does.
        position = self._first_position if first else "TRIM_HORIZON"
        closed = "EndingSequenceNumber" in info.get("SequenceNumberRange", {})
        finished = shard_id in self.checkpoint.finished or (
            position == "LATEST" and closed and shard_id not in self.checkpoint.sequences
        )
        self.shards[shard_id] = Shard(shard_id, info.get("ParentShardId"), position, None, finished)

    def _open(self) -> list[Shard]:
        return [s for s in self.shards.values() if not s.finished]

    def ready(self) -> list[Shard]:
        """Unfinished shards whose parent is finished or gone, so a key's records stay in order."""
        self.refresh()
        ready = []
        for shard in self._open():
            parent = self.shards.get(shard.parent) if shard.parent else None
            if parent is None or parent.finished:
                ready.append(shard)
        return ready

    def _iterator(self, shard: Shard) -> str | None:
        params: dict[str, Any] = {"StreamArn": self.stream_arn(), "ShardId": shard.shard_id}
        done = self.checkpoint.sequences.get(shard.shard_id)
        if done:
            params.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=done)
        else:
            params["ShardIteratorType"] = shard.position
        try:
            return self.client.get_shard_iterator(**params)["ShardIterator"]
        except ClientError as exc:
            if error_code(exc) == "TrimmedDataAccessException" and done:
                log.warning(
                    "shard %s: records after checkpoint %s were trimmed (older than the "
                    "stream's retention); resuming at the oldest record left",
                    shard.shard_id,
                    done,
                )
                params.pop("SequenceNumber")
                params["ShardIteratorType"] = "TRIM_HORIZON"
                return self.client.get_shard_iterator(**params)["ShardIterator"]
            if error_code(exc) == _GONE:
                if self.check_stream():
                    return None
                log.info("shard %s is gone; skipping it", shard.shard_id)
                return None
            misfit = _MISFIT if self.engine.is_aws else _MISFIT + _MOTO_MISFIT
            if done and error_code(exc) in misfit:
                raise StreamError(
                    f"checkpoint {self.checkpoint.path} does not fit the stream: shard "
                    f"{shard.shard_id} holds no sequence number {done} (past its end?; "
                    f"{error_code(exc)}): " + FIX_CHECKPOINT,
                    exc,
                ) from exc
            raise PollError(f"GetShardIterator on {shard.shard_id}: {exc}", exc) from exc

    def get_records(self, shard: Shard, limit: int) -> tuple[list[dict[str, Any]], bool]:
        """The next records of ``shard`` and whether the shard is now read to its end.

        The caller delivers the records, then calls :meth:`finish` if the shard ended.

        :raises StreamError: if the stream is gone; :class:`PollError` for other failures.
        """
        for _ in range(3):
            if not self.is_current(shard):
                return [], False  # the stream changed under it: the new one's shards come next
            if shard.iterator is None:
                shard.iterator = self._iterator(shard)
                if shard.iterator is None:
                    return [], self.is_current(shard)
            try:
                response = self.client.get_records(ShardIterator=shard.iterator, Limit=limit)
            except ClientError as exc:
                shard.iterator = None
                code = error_code(exc)
                if code in _EXPIRED or code == _GONE:
                    log.info("shard %s: %s; new iterator", shard.shard_id, code)
                    if self.check_stream():  # the stream itself was replaced
                        return [], False
                    continue
                raise PollError(f"GetRecords on shard {shard.shard_id} failed: {exc}", exc) from exc
            shard.iterator = response.get("NextShardIterator")
            return response.get("Records", []), shard.iterator is None
        raise PollError(f"shard {shard.shard_id}: every new iterator expired at once")

    def finish(self, shard: Shard) -> None:
        """Mark ``shard`` read to its end; its children are listed next."""
        shard.finished = True
        self.checkpoint.finish(shard.shard_id)
        self._listed_at = float("-inf")
