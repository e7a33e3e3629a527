"""Pattern E's stream handler: move both summaries of each group to its latest message."""

# This module ships alone in the Lambda zip (``workbench lambda package``): it may import only
# the standard library, boto3/botocore and the pure modules constants, errors, items, clock
# and model. tests/test_lambda_package.py enforces that.

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ... import constants as C
from ...clock import format_ts, parse_ts
from ...errors import StreamError, TimestampError
from ...model.cruddur import MESSAGE, TABLE_NAME, group_summaries_request, move_summary_request
from ...model.items import from_items

log = logging.getLogger(__name__)

TABLE_ENV = "DDB_MESSAGE_TABLE"
# Only DynamoDB-specific endpoint variables: the generic AWS_ENDPOINT_URL applies to every AWS
# service, so honouring it would also redirect STS, CloudWatch and the rest (bug 20).
ENDPOINT_ENVS = ("DDB_ENDPOINT_URL", "WORKBENCH_ENDPOINT")
REGION_ENVS = ("AWS_REGION", "AWS_DEFAULT_REGION")
LOCAL_REGION = "us-east-1"

MAX_ATTEMPTS = 10  # GSI reads + move attempts per group before the record counts as failed
MAX_NUDGES = 3  # how often a summary may step 1 µs past a key held by another group
BACKOFF_BASE = 0.01
BACKOFF_CAP = 0.25

MOVED, CONFLICT, HELD = "moved", "conflict", "held"
# Transient failures: worth re-reading the summaries and trying again.
_TRANSIENT = {
    C.TRANSACTION_CANCELED,
    "TransactionConflictException",
    "TransactionInProgressException",
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
}
_HOPELESS_REASONS = {"ValidationError", "ItemCollectionSizeLimitExceeded"}

_client: Any = None
_client_lock = threading.Lock()


@dataclass
class Result:
    """What one batch did; :meth:`to_dict` is the Lambda's return value.

    :param records: records in the batch.
    :param messages: records that were new or changed messages (the others are ignored).
    :param moved: summaries moved to a newer message.
    :param skipped: summaries already at that message or a newer one (replays, old records).
    :param errors: one line per group that failed after retries.
    :param failed: ``SequenceNumber`` of every record Lambda must deliver again.
    :param warnings: problems that were handled without failing (a held key, a bad record).
    """

    records: int = 0
    messages: int = 0
    moved: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary with Lambda's ``batchItemFailures`` (empty when all is well).

        ``warnings`` appears only when there are some.
        """
        summary: dict[str, Any] = {
            "records": self.records,
            "messages": self.messages,
            "moved": self.moved,
            "skipped": self.skipped,
            "errors": list(self.errors),
        }
        if self.warnings:
            summary["warnings"] = list(self.warnings)
        summary["batchItemFailures"] = [{"itemIdentifier": s} for s in self.failed]
        return summary


@dataclass
class _Work:
    """The newest message of one group in a batch, and where the group first appears."""

    first: int
    sk: str
    text: str


def message_of(record: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """``(message_group_uuid, created_at, text)`` of a new-message record, else None.

    REMOVE records, records without a new image and records of anything but a Message (the
    summaries' own INSERT/REMOVE records among them) are ignored.
    """
    if record.get("eventName") not in ("INSERT", "MODIFY"):
        return None
    change = record.get("dynamodb") or {}
    keys = change.get("Keys") or {}
    pk = (keys.get("pk") or {}).get("S", "")
    if not pk.startswith(MESSAGE.prefix):
        return None
    image = change.get("NewImage")
    sk = (keys.get("sk") or {}).get("S")
    if not image or not sk:
        if record.get("eventName") == "INSERT":
            # A KEYS_ONLY stream cannot work: say so instead of silently doing nothing.
            log.warning("message record %s has no NewImage; the stream must be NEW_IMAGE", pk)
        return None
    group = pk[len(MESSAGE.prefix) :]
    return group, sk, (image.get("message") or {}).get("S", "")


def summaries(client: Any, table_name: str, group: str) -> list[dict[str, Any]]:
    """Every GRP item of ``group`` (through the sparse GSI, all pages), newest first."""
    params = dict(group_summaries_request(table_name, group).params)
    items: list[dict[str, Any]] = []
    while True:
        response = client.query(**params)
        items.extend(from_items(response.get(C.ITEMS, [])))
        start = response.get(C.LAST_EVALUATED_KEY)
        if not start:
            return items
        params[C.EXCLUSIVE_START_KEY] = start


def _error_code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


def _move(client: Any, table_name: str, summary: dict[str, Any], sk: str, text: str) -> str:
    """Send one atomic move; MOVED, CONFLICT (re-read and retry) or HELD (key taken).

    :raises ClientError: for anything a retry cannot fix (AccessDenied, validation...).
    """
    request = move_summary_request(table_name, summary, sk, text)
    try:
        getattr(client, request.method)(**request.params)
        return MOVED
    except ClientError as exc:
        if _error_code(exc) not in _TRANSIENT:
            raise
        reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons") or []]
        if _HOPELESS_REASONS.intersection(reasons):
            raise
        # The Delete held (the summary is where we read it) but the Put's condition failed:
        # the new key belongs to the same owner's summary of ANOTHER group.
        if reasons == ["None", "ConditionalCheckFailed"]:
            return HELD
        return CONFLICT


def _nudge(sk: str) -> str | None:
    """``sk`` plus one microsecond, or None if it is not a workbench timestamp."""
    try:
        return format_ts(parse_ts(sk) + timedelta(microseconds=1))
    except TimestampError:
        return None


def _pause(attempt: int) -> None:
    # Full jitter, so concurrent handlers that collided do not collide again in lockstep.
    time.sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)))


def update_group(
    client: Any, table_name: str, group: str, sk: str, text: str, result: Result
) -> None:
    """Bring every summary of ``group`` up to the message ``(sk, text)``.

    A summary already at ``sk`` or later is left alone (idempotent; older never overwrites
    newer). A cancelled move means another writer got there first: the summaries are read
    again and the rule re-applied, up to :data:`MAX_ATTEMPTS` times with jittered backoff.

    :raises StreamError: if concurrent writers still win after every attempt.
    :raises ClientError: for a failure no retry can fix (e.g. AccessDenied).
    """
    targets: dict[str, str] = {}  # owner pk -> key it moves to (sk, or nudged past a held key)
    nudges: dict[str, int] = {}
    settled: set[str] = set()  # owners done: moved, already current, or given up
    for attempt in range(MAX_ATTEMPTS):
        conflict = again = False
        for summary in summaries(client, table_name, group):
            owner = summary["pk"]
            if owner in settled:
                continue  # a stale GSI copy of a summary we already handled
            if summary["sk"] >= sk:
                settled.add(owner)
                result.skipped += 1
                continue
            target = targets.get(owner, sk)
            outcome = _move(client, table_name, summary, target, text)
            if outcome == MOVED:
                settled.add(owner)
                result.moved += 1
                log.info("moved %s of group %s from %s to %s", owner, group, summary["sk"], target)
            elif outcome == HELD:
                later = _nudge(target) if nudges.get(owner, 0) < MAX_NUDGES else None
                if later is None:
                    note = (
                        f"group {group}: key {owner}/{target} is held by another group's "
                        "summary; this summary was left at " + summary["sk"]
                    )
                    log.warning("%s", note)
                    result.warnings.append(note)
                    result.skipped += 1
                    settled.add(owner)
                else:
                    log.warning(
                        "group %s: key %s/%s is held by another group; using %s",
                        group,
                        owner,
                        target,
                        later,
                    )
                    targets[owner], nudges[owner] = later, nudges.get(owner, 0) + 1
                    again = True
            else:
                conflict = True
        if not (conflict or again):
            return
        if conflict:
            _pause(attempt)
    raise StreamError(
        f"group {group}: summaries still not at {sk} after {MAX_ATTEMPTS} attempts "
        "(concurrent writers kept winning)"
    )


def _identifier(record: Mapping[str, Any]) -> str | None:
    change = record.get("dynamodb") or {}
    return change.get("SequenceNumber") or record.get("eventID") or None


def handle_records(
    records: Sequence[Mapping[str, Any]], *, client: Any, table_name: str = TABLE_NAME
) -> Result:
    """Handle a batch of stream records: the testable core of :func:`lambda_handler`.

    Several messages of one group in a batch are folded into the newest (older ones could not
    change anything). Groups are handled in the order they first appear. When a group fails
    after retries, its first record and every later one are reported in ``failed`` (Lambda's
    ReportBatchItemFailures resumes at the lowest reported sequence number, so later records
    are redelivered anyway) and the rest of the batch is not attempted. Never raises for a
    DynamoDB failure.

    :param records: the event's ``Records`` (Lambda's shape, or GetRecords').
    :param client: a boto3 DynamoDB client.
    :param table_name: the messages table.
    """
    result = Result(records=len(records))
    plan: dict[str, _Work] = {}
    for index, record in enumerate(records):
        found = message_of(record)
        if found is None:
            continue
        group, sk, text = found
        result.messages += 1
        work = plan.get(group)
        if work is None:
            plan[group] = _Work(index, sk, text)
        elif sk > work.sk:
            work.sk, work.text = sk, text
    for group, work in plan.items():
        try:
            update_group(client, table_name, group, work.sk, work.text, result)
        except StreamError as exc:  # already names the group
            _fail_from(result, records, work.first, str(exc))
            break
        except (ClientError, BotoCoreError) as exc:
            _fail_from(result, records, work.first, f"group {group}: {exc}")
            break
        except Exception as exc:  # never let one bad record crash the whole batch
            log.exception("group %s: unexpected error", group)
            _fail_from(result, records, work.first, f"group {group}: {type(exc).__name__}: {exc}")
            break
    return result


def _fail_from(
    result: Result, records: Sequence[Mapping[str, Any]], first: int, error: str
) -> None:
    log.error("%s; reporting record %d and the %d after it", error, first, len(records) - first - 1)
    result.errors.append(error)
    result.failed.extend(i for r in records[first:] if (i := _identifier(r)))


def table_name_from_env() -> str:
    """The messages table: ``DDB_MESSAGE_TABLE``, default ``cruddur-messages``."""
    return os.environ.get(TABLE_ENV) or TABLE_NAME


def dynamodb_client() -> Any:
    """The handler's DynamoDB client, created once from the environment.

    Region from ``AWS_REGION``/``AWS_DEFAULT_REGION``; endpoint from ``DDB_ENDPOINT_URL`` or
    ``WORKBENCH_ENDPOINT`` (e.g. DynamoDB Local), else the regional AWS endpoint.
    """
    global _client
    with _client_lock:
        if _client is None:
            import boto3
            from botocore.config import Config

            endpoint = next((os.environ[v] for v in ENDPOINT_ENVS if os.environ.get(v)), None)
            region = next((os.environ[v] for v in REGION_ENVS if os.environ.get(v)), None)
            _client = boto3.client(
                "dynamodb",
                region_name=region or (LOCAL_REGION if endpoint else None),
                endpoint_url=endpoint,
                config=Config(
                    retries={"mode": "standard", "max_attempts": 5},
                    # Neither botocore may apply AWS_ENDPOINT_URL(_DYNAMODB) behind our back.
                    ignore_configured_endpoint_urls=True,
                ),
            )
        return _client


def reset_client() -> None:
    """Forget the cached client (after changing the environment, in tests)."""
    global _client
    with _client_lock:
        _client = None


def lambda_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point (``lambda_function.lambda_handler`` in the zip).

    Returns :meth:`Result.to_dict`: counts plus ``batchItemFailures`` for the trigger's
    ReportBatchItemFailures, instead of raising, so one failing group does not make Lambda
    retry the whole batch forever.
    """
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        # Lambda's runtime leaves the root logger at WARNING; the moves are worth seeing.
        log.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
    records = (event or {}).get("Records") or []
    log.debug("event: %s", event)
    result = handle_records(records, client=dynamodb_client(), table_name=table_name_from_env())
    summary = result.to_dict()
    if result.failed:
        log.error("batch had failures: %s", summary)
    else:
        log.info("batch: %s", summary)
    return summary
