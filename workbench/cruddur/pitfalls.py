"""The original code's bugs, reproduced on purpose so the pitfalls notebook can show them.

Nothing here is used by the workbench itself: each function is the bootcamp's behaviour,
kept small, next to the fix the rest of the package applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from .. import constants as C
from ..engine.dynamo import send
from ..model.cruddur import group_item, message_item
from ..model.items import from_items, to_item
from ..model.requests import Request, query


def year_filter_request(table_name: str, message_group_uuid: str, today: datetime) -> Request:
    """The original pattern A query: ``begins_with(sk, <this year>)`` hides older years."""
    return query(
        table_name,
        key_condition="pk = :pk AND begins_with(sk, :year)",
        values={":pk": f"MSG#{message_group_uuid}", ":year": str(today.year)},
        forward=False,
        limit=20,
    )


def mixed_timestamps() -> list[dict[str, Any]]:
    """Sort keys written the original ways, with the instant each one really means.

    ``create_message`` wrote naive local time, ``create_message_group`` aware UTC, and
    ``isoformat()`` drops ``.000000`` when the microsecond is 0. Sorted as strings (which is
    how DynamoDB sorts ``sk``) they come out in the wrong order.
    """
    utc = UTC
    eastern = timezone(timedelta(hours=-5))
    writes = [
        ("create_message_group (aware UTC)", datetime(2026, 11, 22, 23, 30, 0, 500, tzinfo=utc)),
        (
            "create_message on a UTC-5 host (naive)",
            datetime(2026, 11, 22, 19, 40, 0, 250, tzinfo=eastern),
        ),
        ("create_message (aware, microsecond 0)", datetime(2026, 11, 22, 23, 45, tzinfo=utc)),
        ("create_message (aware)", datetime(2026, 11, 22, 23, 45, 0, 1, tzinfo=utc)),
    ]
    rows = []
    for writer, moment in writes:
        naive = "naive" in writer
        text = moment.replace(tzinfo=None).isoformat() if naive else moment.isoformat()
        rows.append(
            {
                "written by": writer,
                "sk as stored": text,
                "instant (UTC)": moment.astimezone(utc).isoformat(timespec="microseconds"),
            }
        )
    return rows


def original_seed_times(now: datetime, count: int = 104) -> list[str]:
    """The original seed's message times: ``now + i minutes``, up to 103 minutes ahead."""
    return [(now + timedelta(minutes=i)).isoformat() for i in range(count)]


def original_create_message_group(
    engine: Any,
    table_name: str,
    message_group_uuid: str,
    created_at: str,
    message: str,
    sender: dict[str, str],
    receiver: dict[str, str],
    *,
    unprocessed_last: bool = True,
) -> dict[str, Any]:
    """The original ``create_message_group``: one ``batch_write_item``, UnprocessedItems
    ignored.

    With ``unprocessed_last`` the call behaves as DynamoDB does under throttling: it writes
    the first two requests and hands the third back as unprocessed (simulated here by holding
    it back from the request). The original never looked, so the group is half written.
    """
    items = [
        group_item(sender, receiver, message_group_uuid, created_at, message),
        group_item(receiver, sender, message_group_uuid, created_at, message),
        message_item(message_group_uuid, created_at, "original-message", message, sender),
    ]
    requests = [{C.PUT_REQUEST: {C.ITEM: to_item(item)}} for item in items]
    sent = requests[:-1] if unprocessed_last else requests
    response = send(engine, Request("BatchWriteItem", {C.REQUEST_ITEMS: {table_name: sent}}))
    if unprocessed_last:
        response[C.UNPROCESSED_ITEMS] = {table_name: requests[-1:]}
    return {"message_group_uuid": message_group_uuid}  # and UnprocessedItems is dropped


@contextmanager
def failing_third_write(engine: Any) -> Iterator[None]:
    """Make the third item of every ``TransactWriteItems`` invalid (an empty sort key), to
    show that a transaction fails as a whole."""
    client = engine.client("dynamodb")

    def corrupt(params: dict[str, Any], **_: Any) -> None:
        items = params.get(C.TRANSACT_ITEMS, [])
        if len(items) >= 3 and "Put" in items[2]:
            items[2]["Put"][C.ITEM]["sk"] = {"S": ""}

    event = "provide-client-params.dynamodb.TransactWriteItems"
    client.meta.events.register(event, corrupt)
    try:
        yield
    finally:
        client.meta.events.unregister(event, corrupt)


def original_lambda_handler(engine: Any, table_name: str, event: dict[str, Any]) -> None:
    """The original stream Lambda: only ``Records[0]``, then delete + put, not atomic."""
    record = event["Records"][0]
    if record["eventName"] == "REMOVE":
        return
    pk = record["dynamodb"]["Keys"]["pk"]["S"]
    if not pk.startswith("MSG#"):
        return
    group = pk.removeprefix("MSG#")
    sk = record["dynamodb"]["Keys"]["sk"]["S"]
    text = record["dynamodb"]["NewImage"]["message"]["S"]
    found = send(
        engine,
        query(
            table_name,
            index="message-group-sk-index",
            key_condition="message_group_uuid = :g",
            values={":g": group},
        ),
    )
    client = engine.client("dynamodb")
    for item in from_items(found.get(C.ITEMS, [])):
        client.delete_item(TableName=table_name, Key=to_item({"pk": item["pk"], "sk": item["sk"]}))
        client.put_item(TableName=table_name, Item=to_item({**item, "sk": sk, "message": text}))


def original_list_messages(
    engine: Any, table_name: str, message_group_uuid: str, cognito_user_id: str
) -> list[dict[str, Any]]:
    """The original ``Messages.run``: looks the caller up, then never checks membership."""
    _unused = cognito_user_id  # the original fetched my_user_uuid and ignored it
    response = send(
        engine,
        query(
            table_name,
            key_condition="pk = :pk",
            values={":pk": f"MSG#{message_group_uuid}"},
            forward=False,
            limit=20,
        ),
    )
    return from_items(response.get(C.ITEMS, []))
