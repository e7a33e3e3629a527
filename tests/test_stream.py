"""Pattern E: the handler (all records, atomic, idempotent, ordered) and the local runner."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from workbench.app import Messenger
from workbench.clock import FixedClock
from workbench.dynamo import send
from workbench.errors import StreamError
from workbench.model import SEED_GROUP_UUID
from workbench.model.cruddur import post_message_request
from workbench.scanner import scan
from workbench.schema import schema_load
from workbench.stream import StreamRunner, handle_records
from workbench.stream.handler import summaries

PERSON = {"uuid": "u-bayko", "display_name": "Andrew Bayko", "handle": "bayko"}


def record(group: str, sk: str, text: str, *, event: str = "INSERT", seq: str = "1") -> dict:
    keys = {"pk": {"S": f"MSG#{group}"}, "sk": {"S": sk}}
    change = {"Keys": keys, "SequenceNumber": seq}
    if event != "REMOVE":
        change["NewImage"] = {**keys, "message": {"S": text}}
    return {"eventName": event, "dynamodb": change}


def group_state(engine, table: str, group: str = SEED_GROUP_UUID) -> list[tuple[str, str]]:
    return sorted(
        (s["sk"], s["message"]) for s in summaries(engine.client("dynamodb"), table, group)
    )


def test_every_record_of_a_batch_is_handled(engine, seeded: str) -> None:
    client = engine.client("dynamodb")
    other = "11111111-2222-3333-4444-555555555555"
    records = [
        record(SEED_GROUP_UUID, "2026-11-23T01:00:00.000000+00:00", "first", seq="1"),
        {
            "eventName": "INSERT",
            "dynamodb": {
                "Keys": {"pk": {"S": "GRP#x"}, "sk": {"S": "z"}},
                "NewImage": {"pk": {"S": "GRP#x"}},
            },
        },
        record(SEED_GROUP_UUID, "2026-11-23T02:00:00.000000+00:00", "", event="REMOVE"),
        record(other, "2026-11-23T02:00:00.000000+00:00", "no summaries here", seq="3"),
        record(SEED_GROUP_UUID, "2026-11-23T03:00:00.000000+00:00", "last", seq="4"),
    ]
    result = handle_records(records, client=client, table_name=seeded)
    assert (result.records, result.messages, result.moved, result.failed) == (5, 3, 2, [])
    assert group_state(engine, seeded) == [("2026-11-23T03:00:00.000000+00:00", "last")] * 2


def test_replays_and_out_of_order_records_change_nothing(engine, seeded: str) -> None:
    client = engine.client("dynamodb")
    newer = record(SEED_GROUP_UUID, "2026-11-23T05:00:00.000000+00:00", "newer")
    older = record(SEED_GROUP_UUID, "2026-11-23T04:00:00.000000+00:00", "older")
    handle_records([newer], client=client, table_name=seeded)
    state = group_state(engine, seeded)
    for batch in ([newer], [newer, newer], [older], [older, newer]):
        result = handle_records(batch, client=client, table_name=seeded)
        assert result.moved == 0
        assert group_state(engine, seeded) == state
    assert len(scan(engine, seeded).items) == 118  # no summary was duplicated or lost


def test_a_failing_record_is_reported_not_raised(engine, seeded: str) -> None:
    class Broken:
        def __init__(self, real):
            self.real = real

        def query(self, **kwargs):
            return self.real.query(**kwargs)

        def transact_write_items(self, **kwargs):
            from botocore.exceptions import ClientError

            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "no PutItem"}},
                "TransactWriteItems",
            )

    result = handle_records(
        [record(SEED_GROUP_UUID, "2026-11-23T06:00:00.000000+00:00", "x", seq="42")],
        client=Broken(engine.client("dynamodb")),
        table_name=seeded,
    )
    assert result.to_dict()["batchItemFailures"] == [{"itemIdentifier": "42"}]
    assert "AccessDenied" in result.errors[0]


@pytest.mark.ddblocal
def test_concurrent_handlers_end_with_two_summaries_at_the_latest(
    local_engine, users, table_name: str
) -> None:
    from workbench.seeder import seed

    schema_load(local_engine, table_name)
    seed(local_engine, table_name, directory=users, now="2026-11-22T07:45:00Z", progress=False)
    client = local_engine.client("dynamodb")
    stamps = [f"2026-11-23T08:{m:02d}:{s:02d}.000000+00:00" for m in range(8) for s in range(6)]
    errors: list[Exception] = []

    def worker(mine: list[str]) -> None:
        try:
            for sk in mine:
                result = handle_records(
                    [record(SEED_GROUP_UUID, sk, f"at {sk}")], client=client, table_name=table_name
                )
                assert not result.failed, result.errors
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(stamps[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    latest = max(stamps)
    assert group_state(local_engine, table_name) == [(latest, f"at {latest}")] * 2


@pytest.mark.ddblocal
def test_runner_brings_summaries_to_the_latest_message(
    local_engine, users, local_seeded: str, tmp_path: Path
) -> None:
    app = Messenger(local_engine, users, local_seeded, clock=FixedClock("2026-11-23T09:00:00Z"))
    app.send_message("bayko", "one", message_group_uuid=SEED_GROUP_UUID)
    last = app.send_message("andrewbrown", "two", message_group_uuid=SEED_GROUP_UUID)
    runner = StreamRunner(
        local_engine, local_seeded, checkpoint_path=tmp_path / "cp.json", batch_size=25
    )
    stats = runner.run_once()
    # seed (116 messages, 2 summaries), 2 new messages, then the handler's own move of both
    # summaries (a REMOVE and an INSERT each), which it reads and ignores.
    assert stats.records == 116 + 2 + 2 + 4 and stats.batches >= 5
    assert group_state(local_engine, local_seeded) == [(last.created_at, "two")] * 2
    assert runner.run_once().records == stats.records  # nothing new


@pytest.mark.ddblocal
def test_checkpoint_resumes_without_loss_or_repeats(
    local_engine, users, local_seeded: str, tmp_path: Path
) -> None:
    delivered: list[str] = []

    def recorder(event, context):
        delivered.extend(r["dynamodb"]["SequenceNumber"] for r in event["Records"])
        return {}

    checkpoint = tmp_path / "cp.json"
    StreamRunner(
        local_engine, local_seeded, handler=recorder, checkpoint_path=checkpoint
    ).run_once()
    first = len(delivered)
    app = Messenger(local_engine, users, local_seeded, clock=FixedClock("2026-11-23T09:00:00Z"))
    for i in range(3):
        app.send_message("bayko", f"after restart {i}", message_group_uuid=SEED_GROUP_UUID)
    StreamRunner(
        local_engine, local_seeded, handler=recorder, checkpoint_path=checkpoint
    ).run_once()
    assert len(delivered) == first + 3
    assert len(set(delivered)) == len(delivered)


@pytest.mark.ddblocal
def test_a_failed_batch_is_retried(local_engine, local_seeded: str, tmp_path: Path) -> None:
    calls = {"n": 0}

    def flaky(event, context):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("transient")
        return {}

    runner = StreamRunner(
        local_engine, local_seeded, handler=flaky, checkpoint_path=tmp_path / "c", batch_size=1000
    )
    stats = runner.run_once()
    assert stats.retries == 1 and stats.failures == 0 and stats.records == 118


@pytest.mark.ddblocal
def test_a_batch_that_keeps_failing_stops_or_is_set_aside(
    local_engine, local_seeded: str, tmp_path: Path
) -> None:
    def broken(event, context):
        return {"batchItemFailures": [{"itemIdentifier": "x"}]}

    runner = StreamRunner(
        local_engine, local_seeded, handler=broken, max_retries=1, checkpoint_path=tmp_path / "a"
    )
    with pytest.raises(StreamError, match="failed after 1 retries"):
        runner.run_once()
    skipping = StreamRunner(
        local_engine,
        local_seeded,
        handler=broken,
        max_retries=0,
        on_failure="skip",
        checkpoint_path=tmp_path / "b",
    )
    stats = skipping.run_once()
    assert stats.failures == 2 and len(skipping.dead_letters) == 2


@pytest.mark.ddblocal
def test_background_runner_catches_up(
    local_engine, users, local_seeded: str, tmp_path: Path
) -> None:
    app = Messenger(local_engine, users, local_seeded)
    with StreamRunner(local_engine, local_seeded, checkpoint_path=tmp_path / "bg.json") as runner:
        runner.wait_until_caught_up(timeout=20)
        sent = app.send_message("bayko", "live", message_group_uuid=SEED_GROUP_UUID)
        runner.wait_until_caught_up(timeout=20)
        assert group_state(local_engine, local_seeded) == [(sent.created_at, "live")] * 2


@pytest.mark.ddblocal
def test_latest_skips_what_was_already_there(
    local_engine, users, local_seeded: str, tmp_path: Path
) -> None:
    seen: list[dict] = []
    runner = StreamRunner(
        local_engine,
        local_seeded,
        starting_position="LATEST",
        handler=lambda e, c: seen.extend(e["Records"]) or {},
        checkpoint_path=tmp_path / "latest.json",
    )
    runner.run_once()
    assert seen == []
    send(
        local_engine,
        post_message_request(
            local_seeded, SEED_GROUP_UUID, "2026-11-23T10:00:00.000000+00:00", "m-x", "new", PERSON
        ),
    )
    runner.run_once()
    assert [r["dynamodb"]["Keys"]["sk"]["S"] for r in seen] == ["2026-11-23T10:00:00.000000+00:00"]
    assert isinstance(seen[0]["dynamodb"]["ApproximateCreationDateTime"], float)


def test_a_table_without_a_stream_is_a_clear_error(engine, table_name: str) -> None:
    engine.client("dynamodb").create_table(
        TableName=table_name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    with pytest.raises(StreamError, match="has no stream.*schema-load"):
        StreamRunner(engine, table_name).run_once()


def test_bad_runner_settings_are_refused(moto_engine) -> None:
    with pytest.raises(StreamError, match="starting position 'EARLIEST'"):
        StreamRunner(moto_engine, starting_position="EARLIEST")
    with pytest.raises(StreamError, match="batch size 0"):
        StreamRunner(moto_engine, batch_size=0)
