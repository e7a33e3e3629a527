"""Pattern E: the stream Lambda that keeps every group summary at its latest message.

Ships alone in a zip (``workbench lambda package``), so it imports only the standard
library, boto3 and the pure model modules. Fixes of the bootcamp's Lambda:

- every record of a batch is handled (the original read only ``Records[0]``);
- each GRP item moves (delete old key, put new key) in one transaction, so a crash never
  makes a conversation vanish from the list;
- replays and duplicates change nothing, and an older record never overwrites a newer
  summary: a summary already at or after the message's time is left alone;
- table, region and endpoint come from the environment (nothing hard-coded).

Within a batch, several messages of one group are folded into the newest, since older
ones could not change anything. If a summary's new key is held by the owner's summary of
*another* group (two groups with a message in the same microsecond), the key is nudged one
microsecond later rather than failing the record forever.
"""

from __future__ import annotations

import logging
import os
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from botocore.exceptions import ClientError

from .. import constants as C
from ..clock import format_ts, parse_ts
from ..errors import StreamError, TimestampError
from ..items import from_items
from ..model.cruddur import MESSAGE, group_summaries_request, move_summary_request

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
MAX_NUDGES = 3
_RETRYABLE = {
    C.TRANSACTION_CANCELED,
    "TransactionConflictException",
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
}
_client: Any = None


@dataclass
class Result:
    """What one batch did."""

    records: int = 0
    messages: int = 0
    moved: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # sequence numbers of failed records

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary, with Lambda's ``batchItemFailures`` for failed records."""
        return {
            "records": self.records,
            "messages": self.messages,
            "moved": self.moved,
            "skipped": self.skipped,
            "errors": list(self.errors),
            "batchItemFailures": [{"itemIdentifier": s} for s in self.failed],
        }


def message_of(record: dict[str, Any]) -> tuple[str, str, str] | None:
    """``(group uuid, created_at, text)`` for a new-message record, None for anything else."""
    if record.get("eventName") not in ("INSERT", "MODIFY"):
        return None
    change = record.get("dynamodb") or {}
    pk = (change.get("Keys") or {}).get("pk", {}).get("S", "")
    image = change.get("NewImage")
    if not pk.startswith(MESSAGE.prefix) or not image:
        return None
    group = MESSAGE.keys["pk"].parse(pk)["message_group_uuid"]
    return group, change["Keys"]["sk"]["S"], image.get("message", {}).get("S", "")


def summaries(client: Any, table_name: str, group: str) -> list[dict[str, Any]]:
    """Every GRP item of ``group``, through the sparse GSI (all pages)."""
    items: list[dict[str, Any]] = []
    request = group_summaries_request(table_name, group)
    while True:
        response = client.query(**request.params)
        items.extend(from_items(response.get(C.ITEMS, [])))
        start = response.get(C.LAST_EVALUATED_KEY)
        if not start:
            return items
        request.params[C.EXCLUSIVE_START_KEY] = start


def _nudge(sk: str) -> str | None:
    try:
        return format_ts(parse_ts(sk) + timedelta(microseconds=1))
    except TimestampError:
        return None


def _move(client: Any, table_name: str, summary: dict[str, Any], sk: str, text: str) -> str:
    """Move one summary; returns ``moved``, ``conflict`` (retry) or ``held`` (key taken)."""
    request = move_summary_request(table_name, summary, sk, text)
    try:
        client.transact_write_items(**request.params)
        return "moved"
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code not in _RETRYABLE:
            raise
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        if reasons[:2] == ["None", "ConditionalCheckFailed"]:
            return "held"
        return "conflict"


def update_group(
    client: Any, table_name: str, group: str, sk: str, text: str, result: Result
) -> None:
    """Bring every summary of ``group`` up to the message ``(sk, text)``.

    :raises StreamError: if concurrent writers keep winning after many attempts.
    """
    target = sk
    nudges = 0
    for attempt in range(MAX_ATTEMPTS):
        found = summaries(client, table_name, group)
        pending = [s for s in found if s["sk"] < target]
        if attempt == 0:
            result.skipped += len(found) - len(pending)
        retry = False
        for summary in pending:
            outcome = _move(client, table_name, summary, target, text)
            if outcome == "moved":
                result.moved += 1
                log.info("moved %s of group %s to %s", summary["pk"], group, target)
            elif outcome == "held" and nudges < MAX_NUDGES and (later := _nudge(target)):
                log.warning(
                    "key %s/%s is held by another group; using %s", summary["pk"], target, later
                )
                target, nudges, retry = later, nudges + 1, True
                break
            else:
                retry = True
        if not retry:
            return
        time.sleep(min(0.5, 0.01 * 2**attempt) * (0.5 + random.random()))
    raise StreamError(f"group {group}: summaries still not at {sk} after {MAX_ATTEMPTS} attempts")


def handle_records(records: list[dict[str, Any]], *, client: Any, table_name: str) -> Result:
    """Handle a batch of stream records (the testable core of :func:`lambda_handler`)."""
    result = Result(records=len(records))
    newest: dict[str, tuple[str, str]] = {}
    sequence: dict[str, list[str]] = {}
    for record in records:
        found = message_of(record)
        if found is None:
            continue
        group, sk, text = found
        result.messages += 1
        sequence.setdefault(group, []).append(record.get("dynamodb", {}).get("SequenceNumber", ""))
        if group not in newest or sk > newest[group][0]:
            newest[group] = (sk, text)
    for group, (sk, text) in newest.items():
        try:
            update_group(client, table_name, group, sk, text, result)
        except (ClientError, StreamError) as exc:
            log.error("group %s: %s", group, exc)
            result.errors.append(f"group {group}: {exc}")
            result.failed.extend(s for s in sequence[group] if s)
    return result


def _default_client() -> Any:
    global _client
    if _client is None:
        import boto3
        from botocore.config import Config

        # Only explicit DynamoDB settings: the generic AWS_ENDPOINT_URL would redirect
        # every service, so neither we nor botocore read it here.
        endpoint = os.environ.get("DDB_ENDPOINT_URL") or os.environ.get("WORKBENCH_ENDPOINT")
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        _client = boto3.client("dynamodb", region_name=region, endpoint_url=endpoint or None,
                               config=Config(ignore_configured_endpoint_urls=True))
    return _client


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point (handler ``lambda_function.lambda_handler`` in the zip).

    Returns a summary plus ``batchItemFailures`` (for ``ReportBatchItemFailures``) instead of
    raising, so one bad group does not make Lambda retry the whole batch forever.
    """
    table_name = os.environ.get("DDB_MESSAGE_TABLE", "cruddur-messages")
    records = event.get("Records") or []
    result = handle_records(records, client=_default_client(), table_name=table_name)
    log.info("batch: %s", result.to_dict())
    return result.to_dict()
