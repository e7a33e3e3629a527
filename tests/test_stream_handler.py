"""Pattern E's handler: every record, atomic moves, idempotent, ordered, concurrent-safe."""

from __future__ import annotations

import os
import threading
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from workbench.cruddur.stream import handler as H
from workbench.cruddur.stream.handler import handle_records, lambda_handler, message_of, summaries
from workbench.engine.dynamo import send
from workbench.engine.tables import schema_load
from workbench.model.cruddur import new_group_request, post_message_request

ANDREW = {"uuid": "u-andrew", "display_name": "Andrew Brown", "handle": "andrewbrown"}
BAYKO = {"uuid": "u-bayko", "display_name": "Andrew Bayko", "handle": "bayko"}
LONDO = {"uuid": "u-londo", "display_name": "Londo Mollari", "handle": "londo"}
GKAR = {"uuid": "u-gkar", "display_name": "G'Kar", "handle": "gkar"}


def ts(minute: int, second: int = 0, micro: int = 0) -> str:
    return f"2026-11-23T08:{minute:02d}:{second:02d}.{micro:06d}+00:00"


def new_group(engine: Any, table: str, at: str, text: str = "hello", a=ANDREW, b=BAYKO) -> str:
    """A group of ``a`` and ``b`` (both GRP items and the first message); returns its uuid."""
    group = str(uuid.uuid4())
    send(engine, new_group_request(table, group, at, str(uuid.uuid4()), text, a, b))
    return group


def post(engine: Any, table: str, group: str, at: str, text: str, sender=ANDREW) -> dict:
    """Write a message and return the stream record DynamoDB would emit for it."""
    send(engine, post_message_request(table, group, at, str(uuid.uuid4()), text, sender))
    return record(group, at, text)


def record(group: str, sk: str, text: str, *, event: str = "INSERT", seq: str | None = None):
    keys = {"pk": {"S": f"MSG#{group}"}, "sk": {"S": sk}}
    change: dict[str, Any] = {"Keys": keys, "SequenceNumber": seq or uuid.uuid4().hex}
    if event != "REMOVE":
        change["NewImage"] = {**keys, "message": {"S": text}}
    return {"eventName": event, "eventSource": "aws:dynamodb", "dynamodb": change}


def state(engine: Any, table: str, group: str) -> list[tuple[str, str, str]]:
    """The group's summaries as (owner pk, sk, message), sorted."""
    found = summaries(engine.client("dynamodb"), table, group)
    return sorted((s["pk"], s["sk"], s["message"]) for s in found)


def owner_items(engine: Any, table: str, owner: dict) -> list[dict]:
    """Every GRP item in an owner's partition, read from the table itself (not the GSI)."""
    response = engine.client("dynamodb").query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"GRP#{owner['uuid']}"}},
        ConsistentRead=True,
    )
    return [{k: v["S"] for k, v in item.items()} for item in response["Items"]]


def at_latest(sk: str, text: str) -> list[tuple[str, str, str]]:
    return sorted([(f"GRP#{ANDREW['uuid']}", sk, text), (f"GRP#{BAYKO['uuid']}", sk, text)])


@pytest.fixture
def table(engine, table_name: str) -> str:
    schema_load(engine, table_name)
    return table_name


# -- which records count -------------------------------------------------------------------


def test_message_of_reads_only_new_messages() -> None:
    assert message_of(record("g", ts(1), "hi")) == ("g", ts(1), "hi")
    assert message_of(record("g", ts(1), "hi", event="MODIFY")) == ("g", ts(1), "hi")
    assert message_of(record("g", ts(1), "", event="REMOVE")) is None
    no_image = record("g", ts(1), "hi", event="MODIFY")
    del no_image["dynamodb"]["NewImage"]
    assert message_of(no_image) is None
    summary = {
        "eventName": "INSERT",
        "dynamodb": {
            "Keys": {"pk": {"S": "GRP#u"}, "sk": {"S": "t"}},
            "NewImage": {"message": {"S": "x"}},
        },
    }
    assert message_of(summary) is None
    assert message_of({"eventName": "INSERT"}) is None


def test_every_record_of_a_batch_is_handled(engine, table: str) -> None:
    one = new_group(engine, table, ts(0))
    two = new_group(engine, table, ts(0, 1), a=ANDREW, b=LONDO)
    batch = [
        post(engine, table, one, ts(1), "one: first"),
        post(engine, table, two, ts(2), "two: only"),
        post(engine, table, one, ts(3), "one: last"),
    ]
    result = handle_records(batch, client=engine.client("dynamodb"), table_name=table)
    assert (result.records, result.messages, result.moved, result.failed) == (3, 3, 4, [])
    assert state(engine, table, one) == at_latest(ts(3), "one: last")
    assert {(s[1], s[2]) for s in state(engine, table, two)} == {(ts(2), "two: only")}


def test_remove_and_summary_records_are_ignored(engine, table: str) -> None:
    group = new_group(engine, table, ts(0))
    before = state(engine, table, group)
    summary_insert = {
        "eventName": "INSERT",
        "dynamodb": {
            "Keys": {"pk": {"S": f"GRP#{ANDREW['uuid']}"}, "sk": {"S": ts(9)}},
            "NewImage": {"message_group_uuid": {"S": group}, "message": {"S": "loop?"}},
            "SequenceNumber": "1",
        },
    }
    batch = [summary_insert, record(group, ts(8), "", event="REMOVE")]
    result = handle_records(batch, client=engine.client("dynamodb"), table_name=table)
    assert (result.records, result.messages, result.moved, result.skipped) == (2, 0, 0, 0)
    assert state(engine, table, group) == before


# -- idempotence and ordering --------------------------------------------------------------


def test_the_same_record_twice_gives_the_same_state(engine, table: str) -> None:
    group = new_group(engine, table, ts(0))
    message = post(engine, table, group, ts(1), "once")
    client = engine.client("dynamodb")
    first = handle_records([message], client=client, table_name=table)
    after_one = state(engine, table, group)
    again = handle_records([message, message], client=client, table_name=table)
    assert (first.moved, again.moved, again.skipped) == (2, 0, 2)
    assert state(engine, table, group) == after_one == at_latest(ts(1), "once")


def test_an_older_record_never_overwrites_a_newer_summary(engine, table: str) -> None:
    group = new_group(engine, table, ts(0))
    older = post(engine, table, group, ts(1), "older")
    newer = post(engine, table, group, ts(2), "newer")
    client = engine.client("dynamodb")
    handle_records([newer], client=client, table_name=table)
    late = handle_records([older], client=client, table_name=table)
    assert (late.moved, late.skipped) == (0, 2)
    # In one batch, out of order: folded into the newest.
    folded = handle_records([newer, older], client=client, table_name=table)
    assert folded.moved == 0
    assert state(engine, table, group) == at_latest(ts(2), "newer")
    assert len(owner_items(engine, table, ANDREW)) == 1  # moved, never duplicated


def test_a_batch_newer_then_older_ends_at_the_newer(engine, table: str) -> None:
    # The summaries are older than both records: the fold, not the moves, must pick newer.
    group = new_group(engine, table, ts(0))
    older = post(engine, table, group, ts(1), "older")
    newer = post(engine, table, group, ts(2), "newer")
    folded = handle_records([newer, older], client=engine.client("dynamodb"), table_name=table)
    assert (folded.messages, folded.moved, folded.skipped, folded.failed) == (2, 2, 0, [])
    assert state(engine, table, group) == at_latest(ts(2), "newer")


# -- failures ------------------------------------------------------------------------------


class Refusing:
    """A client whose moves fail for one group (AccessDenied, as with bug 10's missing policy)."""

    def __init__(self, real: Any, group: str, code: str = "AccessDeniedException") -> None:
        self.real, self.group, self.code, self.calls = real, group, code, 0

    def query(self, **kwargs: Any) -> Any:
        return self.real.query(**kwargs)

    def transact_write_items(self, **kwargs: Any) -> Any:
        put = kwargs["TransactItems"][1]["Put"]["Item"]
        if put["message_group_uuid"]["S"] == self.group:
            self.calls += 1
            raise ClientError({"Error": {"Code": self.code, "Message": "no"}}, "TransactWriteItems")
        return self.real.transact_write_items(**kwargs)


def test_a_failing_record_and_the_ones_after_it_are_reported(engine, table: str) -> None:
    ok = new_group(engine, table, ts(0))
    bad = new_group(engine, table, ts(0, 1), a=ANDREW, b=LONDO)
    batch = [
        post(engine, table, ok, ts(1), "fine"),
        post(engine, table, bad, ts(2), "refused"),
        post(engine, table, ok, ts(3), "after the failure"),
    ]
    client = Refusing(engine.client("dynamodb"), bad)
    outcome = handle_records(batch, client=client, table_name=table).to_dict()
    seqs = [r["dynamodb"]["SequenceNumber"] for r in batch]
    assert outcome["batchItemFailures"] == [{"itemIdentifier": s} for s in seqs[1:]]
    assert "AccessDeniedException" in outcome["errors"][0] and client.calls == 1
    # The group before the failure was handled; the failed ones will be delivered again.
    assert state(engine, table, ok) == at_latest(ts(3), "after the failure")


def test_endless_conflicts_fail_the_record_after_bounded_attempts(
    engine, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(H, "BACKOFF_BASE", 0.0)
    group = new_group(engine, table, ts(0))
    client = Refusing(engine.client("dynamodb"), group, code="TransactionConflictException")
    result = handle_records(
        [post(engine, table, group, ts(1), "x")], client=client, table_name=table
    )
    assert len(result.failed) == 1 and "after 10 attempts" in result.errors[0]
    assert client.calls == H.MAX_ATTEMPTS * 2  # both summaries, every attempt


def test_a_cancelled_move_is_retried_after_reading_again(engine, table: str) -> None:
    group = new_group(engine, table, ts(0))
    message = post(engine, table, group, ts(1), "contended")

    class StaleOnce:
        """The first move finds its summary already moved by someone else (Delete fails)."""

        def __init__(self, real: Any) -> None:
            self.real, self.cancelled = real, 0

        def query(self, **kwargs: Any) -> Any:
            return self.real.query(**kwargs)

        def transact_write_items(self, **kwargs: Any) -> Any:
            if not self.cancelled:
                self.cancelled += 1
                reasons = [{"Code": "ConditionalCheckFailed"}, {"Code": "None"}]
                raise ClientError(
                    {
                        "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
                        "CancellationReasons": reasons,
                    },
                    "TransactWriteItems",
                )
            return self.real.transact_write_items(**kwargs)

    client = StaleOnce(engine.client("dynamodb"))
    result = handle_records([message], client=client, table_name=table)
    assert (client.cancelled, result.moved, result.failed) == (1, 2, [])
    assert state(engine, table, group) == at_latest(ts(1), "contended")


def test_summaries_are_read_page_by_page() -> None:
    pages = [
        {"Items": [{"pk": {"S": "GRP#a"}, "sk": {"S": ts(1)}}], "LastEvaluatedKey": {"k": 1}},
        {"Items": [{"pk": {"S": "GRP#b"}, "sk": {"S": ts(1)}}]},
    ]
    calls: list[dict] = []

    class Paged:
        def query(self, **kwargs: Any) -> dict:
            calls.append(kwargs)
            return pages[len(calls) - 1]

    assert [s["pk"] for s in summaries(Paged(), "t", "g")] == ["GRP#a", "GRP#b"]
    assert calls[1]["ExclusiveStartKey"] == {"k": 1} and "ExclusiveStartKey" not in calls[0]


# -- the same-microsecond collision --------------------------------------------------------


def test_a_key_held_by_another_group_is_nudged_one_microsecond(engine, table: str) -> None:
    mine = new_group(engine, table, ts(0))
    # Andrew's summary of another group sits exactly at the new message's time.
    other = new_group(engine, table, ts(5), "other group", a=ANDREW, b=LONDO)
    message = post(engine, table, mine, ts(5), "same microsecond")
    result = handle_records([message], client=engine.client("dynamodb"), table_name=table)
    assert (result.moved, result.failed, result.warnings) == (2, [], [])
    assert state(engine, table, mine) == sorted(
        [
            (f"GRP#{ANDREW['uuid']}", ts(5, 0, 1), "same microsecond"),
            (f"GRP#{BAYKO['uuid']}", ts(5), "same microsecond"),
        ]
    )
    assert {(s[1], s[2]) for s in state(engine, table, other)} == {(ts(5), "other group")}
    replay = handle_records([message], client=engine.client("dynamodb"), table_name=table)
    assert (replay.moved, replay.skipped) == (0, 2)


def test_a_key_held_past_every_nudge_is_skipped_with_a_warning(
    engine, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(H, "MAX_NUDGES", 1)
    mine = new_group(engine, table, ts(0))
    new_group(engine, table, ts(5), a=ANDREW, b=LONDO)
    new_group(engine, table, ts(5, 0, 1), a=ANDREW, b=GKAR)
    message = post(engine, table, mine, ts(5), "crowded")
    result = handle_records([message], client=engine.client("dynamodb"), table_name=table)
    assert (result.moved, result.skipped, result.failed) == (1, 1, [])
    assert "held by another group" in result.warnings[0]
    assert state(engine, table, mine) == sorted(
        [(f"GRP#{ANDREW['uuid']}", ts(0), "hello"), (f"GRP#{BAYKO['uuid']}", ts(5), "crowded")]
    )


# -- Lambda entry point --------------------------------------------------------------------


@pytest.mark.server
def test_lambda_handler_takes_its_settings_from_the_environment(
    local_engine, table_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema_load(local_engine, table_name)
    group = new_group(local_engine, table_name, ts(0))
    message = post(local_engine, table_name, group, ts(1), "via lambda_handler")
    monkeypatch.setenv("DDB_MESSAGE_TABLE", table_name)
    monkeypatch.setenv("DDB_ENDPOINT_URL", local_engine.endpoint_url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    # The Lambda signs with ambient credentials; use the test's database key.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", os.environ["WORKBENCH_ACCESS_KEY_ID"])
    # The generic variable points nowhere: the handler must not use it for DynamoDB.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9")
    H.reset_client()
    try:
        outcome = lambda_handler({"Records": [message]}, None)
        empty = lambda_handler({}, None)
    finally:
        H.reset_client()
    assert (outcome["moved"], outcome["batchItemFailures"]) == (2, [])
    assert state(local_engine, table_name, group) == at_latest(ts(1), "via lambda_handler")
    assert (empty["records"], empty["batchItemFailures"]) == (0, [])


# -- real concurrency ----------------------------------------------------------------------


@pytest.mark.server
def test_concurrent_handlers_end_with_exactly_two_summaries_at_the_latest(
    local_engine, table_name: str
) -> None:
    schema_load(local_engine, table_name)
    group = new_group(local_engine, table_name, ts(0))
    threads_n, per_thread = 8, 6
    stamps = [ts(10 + t, s) for t in range(threads_n) for s in range(per_thread)]
    records = [post(local_engine, table_name, group, sk, f"at {sk}") for sk in stamps]
    client = local_engine.client("dynamodb")
    start = threading.Barrier(threads_n)
    failures: list[Any] = []

    def worker(mine: list[dict]) -> None:
        start.wait()
        for one in mine:
            result = handle_records([one], client=client, table_name=table_name)
            if result.failed:
                failures.append(result.errors)

    # Interleave so every thread races on newer and older messages alike.
    threads = [
        threading.Thread(target=worker, args=(records[i::threads_n],)) for i in range(threads_n)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    latest = max(stamps)
    assert state(local_engine, table_name, group) == at_latest(latest, f"at {latest}")
    for owner in (ANDREW, BAYKO):
        mine = [
            i
            for i in owner_items(local_engine, table_name, owner)
            if i["message_group_uuid"] == group
        ]
        assert [(i["sk"], i["message"]) for i in mine] == [(latest, f"at {latest}")]
