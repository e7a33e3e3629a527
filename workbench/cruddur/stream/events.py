"""Lambda's side of the contract: the event shape, the context, and batchItemFailures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...model.items import jsonable


def lambda_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A GetRecords record in Lambda's event shape, JSON-serialisable."""
    change = dict(record.get("dynamodb") or {})
    moment = change.get("ApproximateCreationDateTime")
    if isinstance(moment, datetime):
        # Lambda sends epoch seconds, not a datetime.
        seconds = moment.timestamp()
        change["ApproximateCreationDateTime"] = int(seconds) if seconds.is_integer() else seconds
    event = {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion") or region,
        "dynamodb": jsonable(change),
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in record:  # TTL deletions carry it
        event["userIdentity"] = record["userIdentity"]
    return event


@dataclass
class LocalContext:
    """The parts of Lambda's context object a handler may use."""

    function_name: str = "cruddur-messaging-stream"
    memory_limit_in_mb: int = 128
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        """Lambda's remaining time; locally there is no timeout, so Lambda's maximum."""
        return 900_000


def batch_item_failures(outcome: Any) -> list[Any]:
    """The ``batchItemFailures`` of a handler's return value (a dict or a handler Result)."""
    if hasattr(outcome, "to_dict"):
        outcome = outcome.to_dict()
    return (outcome.get("batchItemFailures") if isinstance(outcome, dict) else None) or []


def first_failure(outcome: Any, records: list[dict[str, Any]]) -> int | None:
    """Index of the first record to redeliver, per Lambda's batchItemFailures; None if ok."""
    failures = batch_item_failures(outcome)
    if not failures:
        return None
    sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
    ids = [f.get("itemIdentifier") if isinstance(f, dict) else None for f in failures]
    if not all(i in sequences for i in ids):
        return 0  # an unknown identifier fails the whole batch, as on Lambda
    return min(sequences.index(i) for i in ids)
