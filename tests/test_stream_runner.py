"""The local event-source mapping: delivery, checkpoints, retries, background polling."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.cruddur.stream import StreamRunner
from workbench.cruddur.stream.handler import summaries
from workbench.engine.dynamo import send
from workbench.engine.tables import schema_load
from workbench.errors import StreamError
from workbench.model.cruddur import new_group_request, post_message_request

ANDREW = {"uuid": "u-andrew", "display_name": "Andrew Brown", "handle": "andrewbrown"}
BAYKO = {"uuid": "u-bayko", "display_name": "Andrew Bayko", "handle": "bayko"}


def ts(minute: int, second: int = 0) -> str:
    return f"2026-11-23T09:{minute:02d}:{second:02d}.000000+00:00"


class Conversation:
    """A table with one group; ``say`` posts messages to it."""

    def __init__(self, engine: Any, table: str) -> None:
        self.engine, self.table = engine, table
        self.group = str(uuid.uuid4())
        self.clock = 0
        schema_load(engine, table)
        send(engine, new_group_request(table, self.group, ts(0), "m-0", "hello", ANDREW, BAYKO))

    def say(self, *texts: str) -> str:
        for text in texts:
            self.clock += 1
            at = ts(self.clock // 60, self.clock % 60)
            send(
                self.engine,
                post_message_request(self.table, self.group, at, uuid.uuid4().hex, text, BAYKO),
            )
        return at

    def summaries(self) -> set[tuple[str, str]]:
        found = summaries(self.engine.client("dynamodb"), self.table, self.group)
        assert len(found) == 2
        return {(s["sk"], s["message"]) for s in found}

    def settled(self) -> set[tuple[str, str]] | None:
        """The summaries once both are there; None while a move is under way (a reader on
        in-process moto can see one summary between the delete and the put of a move)."""
        found = summaries(self.engine.client("dynamodb"), self.table, self.group)
        return {(s["sk"], s["message"]) for s in found} if len(found) == 2 else None


class Recorder:
    """A handler that only records what it is given (and can fail on demand)."""

    def __init__(self, fail_times: int = 0, fail_with_items: bool = False) -> None:
        self.events: list[dict] = []
        self.fail_times = fail_times
        self.fail_with_items = fail_with_items

    @property
    def sequences(self) -> list[str]:
        return [r["dynamodb"]["SequenceNumber"] for e in self.events for r in e["Records"]]

    def __call__(self, event: dict, context: Any) -> Any:
        self.events.append(event)
        if self.fail_times:
            self.fail_times -= 1
            if self.fail_with_items:
                # Fail from the second record on: the first one counts as delivered.
                failed = event["Records"][1:] or event["Records"]
                return {
                    "batchItemFailures": [
                        {"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in failed
                    ]
                }
            raise RuntimeError("transient failure")
        return None


@pytest.fixture
def chat(engine, table_name: str) -> Conversation:
    return Conversation(engine, table_name)


@pytest.fixture
def local_chat(local_engine, table_name: str) -> Conversation:
    return Conversation(local_engine, table_name)


def test_run_once_delivers_everything_and_moves_the_summaries(chat, tmp_path: Path) -> None:
    last = chat.say("one", "two", "three")
    runner = StreamRunner(
        chat.engine, chat.table, checkpoint_path=tmp_path / "cp.json", batch_size=2
    )
    stats = runner.run_once()
    # Two summaries + the first message, 3 messages, then the handler's own moves (a REMOVE
    # and an INSERT per summary) after the batches [hello, one] and [two, three], which come
    # back on the stream and are ignored.
    assert (stats.records, stats.batches, stats.failures) == (3 + 3 + 2 * 4, 7, 0)
    assert chat.summaries() == {(last, "three")}
    assert runner.run_once().records == 0  # nothing new
    assert runner.stats.records == stats.records


def test_events_have_lambdas_shape(chat, tmp_path: Path) -> None:
    chat.say("shape")
    seen = Recorder()
    runner = StreamRunner(
        chat.engine, chat.table, handler=seen, checkpoint_path=tmp_path / "cp.json"
    )
    runner.run_once()
    record = seen.events[-1]["Records"][-1]
    assert set(record) >= {
        "eventID",
        "eventName",
        "eventVersion",
        "eventSource",
        "awsRegion",
        "dynamodb",
        "eventSourceARN",
    }
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == runner.stream_arn()
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int | float)
    json.dumps(seen.events)  # serialisable, as Lambda's events are


def test_checkpoint_resumes_without_loss_or_repeats(chat, tmp_path: Path) -> None:
    checkpoint = tmp_path / "cp.json"
    seen = Recorder()
    first = StreamRunner(chat.engine, chat.table, handler=seen, checkpoint_path=checkpoint)
    assert first.run_once().records == 3
    saved = json.loads(checkpoint.read_text())
    assert saved["stream_arn"] == first.stream_arn() and saved["shards"]
    chat.say("after", "the", "restart")
    second = StreamRunner(chat.engine, chat.table, handler=seen, checkpoint_path=checkpoint)
    assert second.run_once().records == 3
    assert len(seen.sequences) == 6 == len(set(seen.sequences))
    texts = [r["dynamodb"]["NewImage"]["message"]["S"] for r in seen.events[-1]["Records"]]
    assert texts[-3:] == ["after", "the", "restart"]


def test_a_checkpoint_of_another_stream_is_discarded(chat, tmp_path: Path) -> None:
    checkpoint = tmp_path / "cp.json"
    checkpoint.write_text(
        json.dumps(
            {
                "stream_arn": "arn:aws:dynamodb:ddblocal:000000000000:table/old/stream/x",
                "shards": {"shardId-old": "000000000000000000099"},
                "finished": [],
            }
        )
    )
    seen = Recorder()
    StreamRunner(chat.engine, chat.table, handler=seen, checkpoint_path=checkpoint).run_once()
    assert len(seen.sequences) == 3


def test_a_failing_handler_is_retried_until_the_batch_succeeds(chat, tmp_path: Path) -> None:
    flaky = Recorder(fail_times=2)
    runner = StreamRunner(
        chat.engine, chat.table, handler=flaky, max_retries=3, checkpoint_path=tmp_path / "cp.json"
    )
    stats = runner.run_once()
    assert (stats.retries, stats.failures, stats.records, stats.batches) == (2, 0, 3, 1)
    assert len(flaky.events) == 3


def test_partial_batch_failures_redeliver_from_the_first_failed_record(
    chat, tmp_path: Path
) -> None:
    partial = Recorder(fail_times=1, fail_with_items=True)
    runner = StreamRunner(
        chat.engine, chat.table, handler=partial, checkpoint_path=tmp_path / "cp.json"
    )
    stats = runner.run_once()
    first, retry = (e["Records"] for e in partial.events)
    assert retry == first[1:]  # the record before the failure is not delivered again
    assert (stats.records, stats.retries, stats.batches) == (3, 1, 1)


def test_a_batch_that_keeps_failing_stops_or_is_set_aside(chat, tmp_path: Path) -> None:
    broken = Recorder(fail_times=1000)
    raising = StreamRunner(
        chat.engine, chat.table, handler=broken, max_retries=1, checkpoint_path=tmp_path / "a.json"
    )
    with pytest.raises(StreamError, match="failed after 1 retries"):
        raising.run_once()
    assert raising.stats.failures == 1 and raising.errors
    skipping = StreamRunner(
        chat.engine,
        chat.table,
        handler=broken,
        max_retries=0,
        on_failure="skip",
        checkpoint_path=tmp_path / "b.json",
    )
    stats = skipping.run_once()
    assert stats.failures == 1 and len(skipping.dead_letters) == 1
    assert len(skipping.dead_letters[0].records) == 3
    # Skipped means the checkpoint moved past it: a restart does not see it again.
    again = StreamRunner(
        chat.engine, chat.table, handler=Recorder(), checkpoint_path=tmp_path / "b.json"
    )
    assert again.run_once().records == 0


def test_latest_skips_what_was_already_there(chat, tmp_path: Path) -> None:
    seen = Recorder()
    runner = StreamRunner(
        chat.engine,
        chat.table,
        handler=seen,
        starting_position="LATEST",
        checkpoint_path=tmp_path / "latest.json",
    )
    assert runner.run_once().records == 0
    chat.say("news")
    runner.run_once()
    assert [r["dynamodb"]["NewImage"]["message"]["S"] for r in seen.events[0]["Records"]] == [
        "news"
    ]
    horizon = Recorder()
    StreamRunner(
        chat.engine,
        chat.table,
        handler=horizon,
        starting_position="trim-horizon",
        checkpoint_path=tmp_path / "horizon.json",
    ).run_once()
    assert len(horizon.sequences) == 4


def test_a_table_without_a_stream_is_a_clear_error(engine, table_name: str) -> None:
    engine.client("dynamodb").create_table(
        TableName=table_name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    runner = StreamRunner(engine, table_name)
    with pytest.raises(StreamError, match="has no stream enabled.*schema-load"):
        runner.run_once()
    with pytest.raises(StreamError, match="has no stream"):
        runner.start()


def test_a_missing_table_is_a_clear_error(engine, table_name: str) -> None:
    with pytest.raises(StreamError, match=f"cannot read table '{table_name}'.*schema-load"):
        StreamRunner(engine, table_name).run_once()


def test_bad_settings_are_refused(moto_engine) -> None:
    with pytest.raises(StreamError, match="starting position 'EARLIEST'"):
        StreamRunner(moto_engine, starting_position="earliest")
    with pytest.raises(StreamError, match="batch size 0"):
        StreamRunner(moto_engine, batch_size=0)
    with pytest.raises(StreamError, match="on_failure"):
        StreamRunner(moto_engine, on_failure="ignore")


def test_the_default_checkpoint_is_per_endpoint_and_table(moto_engine) -> None:
    path = StreamRunner(moto_engine, "cruddur-messages").checkpoint_path
    assert path.parent.name == "stream-checkpoints" and path.name.endswith("-cruddur-messages.json")


@pytest.mark.server
def test_background_runner_catches_up(local_chat, tmp_path: Path) -> None:
    with StreamRunner(
        local_chat.engine, local_chat.table, checkpoint_path=tmp_path / "bg.json"
    ) as runner:
        runner.wait_until_caught_up(timeout=20)
        last = local_chat.say("live one", "live two")
        runner.wait_until_caught_up(timeout=20)
        assert local_chat.summaries() == {(last, "live two")}
        assert runner.is_running
    assert not runner.is_running
    assert runner.stats.records >= 3 + 2 + 4


@pytest.mark.server
def test_a_background_failure_is_raised_not_swallowed(local_chat, tmp_path: Path) -> None:
    runner = StreamRunner(
        local_chat.engine,
        local_chat.table,
        handler=Recorder(fail_times=99),
        max_retries=0,
        checkpoint_path=tmp_path / "f.json",
    )
    runner.start()
    with pytest.raises(StreamError, match="failed after 0 retries"):
        runner.wait_until_caught_up(timeout=20)
    assert not runner.is_running and runner.failure is not None
    with pytest.raises(StreamError):
        with runner:
            runner.wait_until_caught_up(timeout=20)
    with pytest.raises(StreamError, match="not running"):
        StreamRunner(local_chat.engine, local_chat.table).wait_until_caught_up(timeout=1)


@pytest.mark.server
def test_cli_stream_run_once(local_chat, tmp_path: Path) -> None:
    last = local_chat.say("from the cli")
    result = CliRunner().invoke(
        cli,
        [
            "stream",
            "run",
            "--once",
            "--endpoint",
            local_chat.engine.endpoint_url,
            "--table",
            local_chat.table,
            "--checkpoint",
            str(tmp_path / "cli.json"),
            "--batch-size",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 records" in result.output and "done: " in result.output
    assert local_chat.summaries() == {(last, "from the cli")}
    again = CliRunner().invoke(
        cli,
        [
            "stream",
            "run",
            "--once",
            "--endpoint",
            local_chat.engine.endpoint_url,
            "--table",
            local_chat.table,
            "--checkpoint",
            str(tmp_path / "cli.json"),
        ],
    )
    assert again.exit_code == 0 and "done: 0 records" in again.output


@pytest.mark.server
def test_cli_reports_a_table_without_a_stream(local_engine, table_name: str) -> None:
    local_engine.client("dynamodb").create_table(
        TableName=table_name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    result = CliRunner().invoke(
        cli,
        ["stream", "run", "--once", "--endpoint", local_engine.endpoint_url, "--table", table_name],
    )
    assert result.exit_code == 1 and "has no stream enabled" in result.output


# -- a runner that never goes deaf (issue 10, item 2) -----------------------------------------


def _wait_for(condition: Any, what: str, timeout: float = 60.0) -> None:
    """Poll ``condition`` until true (a wait, not a timing assertion)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_a_running_runner_follows_the_stream_of_a_recreated_table(
    moto_engine, table_name: str, tmp_path: Path
) -> None:
    chat = Conversation(moto_engine, table_name)
    runner = StreamRunner(
        moto_engine, table_name, checkpoint_path=tmp_path / "cp.json", poll_interval=0.02
    )
    with runner:
        runner.wait_until_caught_up(timeout=30)
        old_arn = runner.stream_arn()
        new_arn = schema_load(moto_engine, table_name, recreate=True)["LatestStreamArn"]
        assert new_arn != old_arn
        fresh = Conversation(moto_engine, table_name)  # the new table: a new group
        last = fresh.say("after the recreate", "still heard")
        _wait_for(lambda: fresh.settled() == {(last, "still heard")}, "the new summaries")
        assert runner.is_running and runner.failure is None
    changed = [n for n in runner.notices if "changed" in n]
    assert changed == [
        f"the stream of {table_name!r} changed (recreated?): following {new_arn} from trim-horizon"
    ]
    saved = json.loads((tmp_path / "cp.json").read_text())
    assert saved["stream_arn"] == new_arn == runner.stream_arn()
    assert chat.group != fresh.group


def test_a_dropped_table_is_waited_for_and_said_once(
    moto_engine, table_name: str, tmp_path: Path
) -> None:
    import time

    Conversation(moto_engine, table_name)
    runner = StreamRunner(
        moto_engine, table_name, checkpoint_path=tmp_path / "cp.json", poll_interval=0.01
    )
    with runner:
        runner.wait_until_caught_up(timeout=30)
        moto_engine.client("dynamodb").delete_table(TableName=table_name)
        _wait_for(lambda: any("is gone" in n for n in runner.notices), "the gone notice")
        time.sleep(1.0)  # let it poll the missing table several times
        back = Conversation(moto_engine, table_name)  # schema-load again, a new group
        last = back.say("back again")
        _wait_for(lambda: back.settled() == {(last, "back again")}, "the summaries")
        assert runner.is_running and runner.failure is None
    gone = [n for n in runner.notices if "is gone" in n]
    assert gone == [
        f"table {table_name!r} is gone from {moto_engine.describe()}; waiting for it to come "
        "back (e.g. `workbench ddb schema-load`)"
    ]
    assert sum("changed (recreated?)" in n for n in runner.notices) == 1
    assert not runner.errors  # the wait was not reported as one failure per poll


@pytest.mark.parametrize(
    ("saved", "problem"),
    [
        ([], "a JSON list, not an object"),
        ("text", "a JSON str, not an object"),
        ({"stream_arn": 7}, "a stream_arn that is not a string"),
        ({"shards": []}, "shards that are not"),
        ({"shards": {"shardId-1": 12}}, "shards that are not"),
        ({"shards": {"shardId-1": "abc"}}, "shards that are not"),
        ({"finished": "shardId-1"}, "finished that is not a list"),
    ],
)
def test_a_checkpoint_of_the_wrong_shape_is_one_clear_error(
    moto_engine, table_name: str, tmp_path: Path, saved: Any, problem: str
) -> None:
    Conversation(moto_engine, table_name)
    checkpoint = tmp_path / "cp.json"
    checkpoint.write_text(json.dumps(saved))
    runner = StreamRunner(moto_engine, table_name, handler=Recorder(), checkpoint_path=checkpoint)
    with pytest.raises(StreamError) as info:
        runner.run_once()
    text = str(info.value)
    assert text.startswith(f"checkpoint {checkpoint} is not a stream checkpoint (it holds ")
    assert problem in text
    assert text.endswith(
        "): delete it (the next run starts at --from) or pass another --checkpoint"
    )
    assert "\n" not in text
    assert json.loads(checkpoint.read_text()) == saved  # left for the user to look at


def test_the_cli_says_once_why_summaries_were_already_current(
    moto_engine, users, table_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.cruddur.app import Messenger

    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path / "state"))
    schema_load(moto_engine, table_name)
    app = Messenger(moto_engine, users, table_name, clock="2026-11-23T09:00:00Z")
    app.send_message("andrewbrown", "hello", to_handle="londo")  # pattern D: one transaction
    argv = [
        "stream",
        "run",
        "--once",
        "--engine",
        "moto",
        "--table",
        table_name,
        "--checkpoint",
        str(tmp_path / "cli.json"),
    ]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output
    assert "1 message, 0 summaries moved, 2 already current" in result.output
    assert result.output.count("pattern D's transaction and the seed write both summaries") == 1
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    refused = CliRunner().invoke(cli, [*argv[:-1], str(bad)])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.output.strip().splitlines() == [
        f"Error: checkpoint {bad} is not a stream checkpoint (it holds a JSON list, not an "
        "object): delete it (the next run starts at --from) or pass another --checkpoint"
    ]
