"""The bootcamp scripts as functions: schema-load, describe, drop, seed, scan, patterns A/B."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from workbench.clock import format_ts, parse_ts
from workbench.cruddur import queries
from workbench.cruddur.scanner import scan
from workbench.cruddur.seeder import load_conversation, seed
from workbench.engine.tables import (
    describe_table,
    differences,
    drop_table,
    list_tables,
    schema_load,
)
from workbench.errors import (
    ConfirmationRequired,
    DynamoError,
    NotFound,
    TableNotFound,
    WorkbenchError,
)
from workbench.model import CRUDDUR, SEED_GROUP_UUID


def test_schema_load_matches_the_reference(engine, table_name: str) -> None:
    described = schema_load(engine, table_name)
    assert differences(described, CRUDDUR.table) == []
    assert described["TableStatus"] == "ACTIVE"
    assert described["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_IMAGE",
    }
    (gsi,) = described["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == "message-group-sk-index"
    assert gsi["Projection"] == {"ProjectionType": "ALL"}
    assert table_name in list_tables(engine)
    # Running it again leaves the matching table alone.
    assert schema_load(engine, table_name)["TableName"] == table_name


def test_differences_name_what_is_wrong(engine, table_name: str) -> None:
    engine.client("dynamodb").create_table(
        TableName=table_name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
    )
    problems = differences(describe_table(engine, table_name), CRUDDUR.table)
    text = "; ".join(problems)
    assert "GSIs is []" in text and "stream is (False, None)" in text
    assert "billing mode is 'PAY_PER_REQUEST'" in text
    with pytest.raises(WorkbenchError, match="already exists but differs.*--recreate"):
        schema_load(engine, table_name)
    rebuilt = schema_load(engine, table_name, recreate=True)
    assert differences(rebuilt, CRUDDUR.table) == []


def test_drop(engine, table_name: str) -> None:
    schema_load(engine, table_name)
    assert drop_table(engine, table_name)
    assert table_name not in list_tables(engine)
    assert not drop_table(engine, table_name)
    with pytest.raises(TableNotFound, match=f"table '{table_name}' does not exist.*schema-load"):
        describe_table(engine, table_name)


class _Aws:
    name = "aws"
    is_aws = True

    def describe(self) -> str:
        return "aws (test)"

    def client(self, service: str):  # pragma: no cover - must never be reached
        raise AssertionError("contacted AWS")


def test_dropping_on_aws_needs_the_table_name_as_confirmation() -> None:
    with pytest.raises(ConfirmationRequired, match="pass confirm='cruddur-messages'"):
        drop_table(_Aws(), "cruddur-messages")
    with pytest.raises(ConfirmationRequired):
        drop_table(_Aws(), "cruddur-messages", confirm="yes")


def test_seed_writes_the_conversation_once_and_in_the_past(
    engine, users, seeded: str, seed_now: str
) -> None:
    lines = load_conversation()
    assert len(lines) >= 100
    items = scan(engine, seeded).items
    messages = [i for i in items if i["pk"].startswith("MSG#")]
    groups = [i for i in items if i["pk"].startswith("GRP#")]
    assert len(messages) == len(lines) and len(groups) == 2
    now = parse_ts(format_ts(datetime.fromisoformat(seed_now)))
    stamps = sorted(parse_ts(m["sk"]) for m in messages)
    assert stamps[-1] == now and all(s <= now for s in stamps)
    last = max(messages, key=lambda m: m["sk"])
    assert last["message"] == lines[-1].text
    for group in groups:  # both summaries show the real last message
        assert (group["sk"], group["message"]) == (last["sk"], last["message"])
        assert group["message_group_uuid"] == SEED_GROUP_UUID
    me = users.get_by_handle("andrewbrown")
    mine = next(g for g in groups if g["pk"] == f"GRP#{me.uuid}")
    assert mine["user_handle"] == "bayko"
    # Re-seeding at another time leaves exactly one copy.
    result = seed(engine, seeded, directory=users, now="2026-12-01T00:00:00Z", progress=False)
    assert result.removed == len(lines) + 2
    again = scan(engine, seeded).items
    assert len(again) == len(lines) + 2
    assert max(i["sk"] for i in again) == "2026-12-01T00:00:00.000000+00:00"


def test_seed_without_a_table_says_run_schema_load(engine, users, table_name: str) -> None:
    with pytest.raises(TableNotFound, match="schema-load"):
        seed(engine, table_name, directory=users, progress=False)


def test_seed_can_write_any_number_of_messages(engine, users, table_name: str) -> None:
    schema_load(engine, table_name)
    result = seed(engine, table_name, directory=users, count=260, progress=False, workers=4)
    assert result.messages == 260
    result = scan(engine, table_name)
    assert len(result.items) == 262


def test_get_conversation_pages_through_everything(engine, seeded: str) -> None:
    page = queries.get_conversation(engine, SEED_GROUP_UUID, seeded)
    assert len(page.items) == 20
    stamps = [m["created_at"] for m in page.items]
    assert stamps == sorted(stamps)  # oldest first
    assert stamps[-1] == "2026-11-22T07:45:00.000000+00:00"  # ... of the 20 latest
    assert set(page.items[0]) == {"uuid", "display_name", "handle", "message", "created_at"}
    assert page.consumed_capacity > 0 or engine.name == "moto"
    assert page.request.params["ScanIndexForward"] is False
    seen = list(stamps)
    while page.next:
        page = queries.get_conversation(engine, SEED_GROUP_UUID, seeded, cursor=page.next)
        seen = [m["created_at"] for m in page.items] + seen
    assert len(seen) == len(load_conversation()) == len(set(seen))
    assert seen == sorted(seen)


def test_cursor_from_another_conversation_is_refused(engine, seeded: str) -> None:
    page = queries.get_conversation(engine, SEED_GROUP_UUID, seeded)
    with pytest.raises(WorkbenchError, match="does not continue this query"):
        queries.get_conversation(
            engine, "00000000-0000-0000-0000-000000000000", seeded, cursor=page.next
        )


def test_list_conversations_newest_first(engine, users, seeded: str) -> None:
    page = queries.list_conversations(engine, "bayko", seeded, directory=users)
    assert page.items == [
        {
            "uuid": SEED_GROUP_UUID,
            "display_name": "Andrew Brown",
            "handle": "andrewbrown",
            "message": load_conversation()[-1].text,
            "created_at": "2026-11-22T07:45:00.000000+00:00",
        }
    ]
    assert queries.list_conversations(engine, "londo", seeded, directory=users).items == []
    with pytest.raises(NotFound, match="no user with handle 'nobody'"):
        queries.list_conversations(engine, "nobody", seeded, directory=users)


def test_no_year_filter_hides_nothing_after_new_year(engine, users, table_name: str) -> None:
    # The original's begins_with(sk, current year) showed nothing on 2 January.
    schema_load(engine, table_name)
    seed(engine, table_name, directory=users, now="2026-12-31T23:30:00Z", progress=False)
    assert datetime(2027, 1, 2, tzinfo=UTC).year != 2026
    page = queries.get_conversation(engine, SEED_GROUP_UUID, table_name)
    assert len(page.items) == 20 and page.items[-1]["created_at"].startswith("2026-12-31")
    groups = queries.list_conversations(engine, "andrewbrown", table_name, directory=users)
    assert len(groups.items) == 1


def test_readable_output_like_the_bootcamp(engine, seeded: str) -> None:
    text = queries.format_table(queries.get_conversation(engine, SEED_GROUP_UUID, seeded))
    first = text.splitlines()[0]
    assert first[:12].strip() in ("andrewbrown", "bayko")
    assert "2026-11-22" in first and ("AM" in first or "PM" in first)
    assert "RCU consumed" in text.splitlines()[-1]


# -- seeding never loses data (issue 10, item 1) --------------------------------------------


class FailingSend:
    """``dynamo.send`` that raises on its ``fail_at``-th call (1-based; 0: never)."""

    def __init__(self, fail_at: int = 0) -> None:
        from workbench.engine import dynamo

        self.real = dynamo.send
        self.fail_at = fail_at
        self.calls = 0

    def __call__(self, engine, request):
        self.calls += 1
        if self.calls == self.fail_at:
            raise DynamoError(f"injected failure on call {self.calls} ({request.operation})")
        return self.real(engine, request)


def _inject(monkeypatch: pytest.MonkeyPatch, failing: FailingSend) -> None:
    # The seeder reads with send; the batch writer writes with it.
    monkeypatch.setattr("workbench.cruddur.seeder.send", failing)
    monkeypatch.setattr("workbench.engine.batch.send", failing)


def _group_summaries(engine, table: str) -> list[dict]:
    from workbench.cruddur.stream.handler import summaries

    return summaries(engine.client("dynamodb"), table, SEED_GROUP_UUID)


def _seeded_with_a_user_post(engine, users, table: str) -> dict:
    """A seeded table plus one message bayko posted to the seed group (pattern C)."""
    from workbench.cruddur.app import Messenger

    schema_load(engine, table)
    seed(engine, table, directory=users, now="2026-11-22T07:45:00Z", progress=False, workers=1)
    app = Messenger(engine, users, table, clock="2026-11-22T08:00:00Z")
    sent = app.send_message("bayko", "posted by a user", message_group_uuid=SEED_GROUP_UUID)
    return next(i for i in scan(engine, table).items if i.get("message_uuid") == sent.uuid)


def test_a_failure_at_any_step_of_seeding_loses_nothing(
    moto_engine, users, monkeypatch: pytest.MonkeyPatch
) -> None:
    reseed = dict(directory=users, now="2026-12-01T00:00:00Z", progress=False, workers=1)
    # A clean run first, to learn how many DynamoDB calls seeding makes.
    table = f"seed-{uuid.uuid4().hex[:8]}"
    _seeded_with_a_user_post(moto_engine, users, table)
    counting = FailingSend()
    _inject(monkeypatch, counting)
    seed(moto_engine, table, **reseed)
    monkeypatch.undo()
    steps = counting.calls
    assert steps >= 8  # 2 reads, 5 message batches, the summaries, the deletes
    for fail_at in range(1, steps + 1):
        table = f"seed-{fail_at}-{uuid.uuid4().hex[:8]}"
        posted = _seeded_with_a_user_post(moto_engine, users, table)
        before = [i for i in scan(moto_engine, table).items if i["pk"].startswith("MSG#")]
        _inject(monkeypatch, FailingSend(fail_at))
        with pytest.raises(DynamoError, match="injected failure"):
            seed(moto_engine, table, **reseed)
        monkeypatch.undo()
        after = scan(moto_engine, table).items
        keys = {(i["pk"], i["sk"]) for i in after}
        uuids = {i.get("message_uuid") for i in after if i["pk"].startswith("MSG#")}
        for message in before:  # still there, or replaced by its new version (same uuid)
            assert (message["pk"], message["sk"]) in keys or message["message_uuid"] in uuids, (
                fail_at,
                message,
            )
        assert (posted["pk"], posted["sk"]) in keys, fail_at
        owners = {s["pk"] for s in _group_summaries(moto_engine, table)}
        assert len(owners) == 2, (fail_at, owners)  # both members still have a summary
        # Every summary describes a message that exists (old ones go before old messages).
        for summary in _group_summaries(moto_engine, table):
            assert (f"MSG#{SEED_GROUP_UUID}", summary["sk"]) in keys, (fail_at, summary["sk"])
    # Past the last step nothing fails: one clean copy, and the user's message is kept.
    result = seed(moto_engine, table, **reseed)
    items = scan(moto_engine, table).items
    assert len(items) == len(load_conversation()) + 2 + 1 and result.removed > 0
    assert result.kept == 1 and (posted["pk"], posted["sk"]) in {(i["pk"], i["sk"]) for i in items}
    assert {s["sk"] for s in _group_summaries(moto_engine, table)} == {
        "2026-12-01T00:00:00.000000+00:00"
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(count=1_000_000_000_000), r"message count 1000000000000 .* 1 to 100,000"),
        (dict(count=0), r"message count 0 .* 1 to 100,000"),
        (dict(now="0001-01-01T00:00:00Z"), r"'0001-01-01T00:00:00\+00:00' is out of range.*year 1"),
        (dict(now="0001-01-01T01:00:00Z", count=120), r"120 messages a minute apart"),
        (dict(workers=0), r"workers 0 is out of range: give 1 to 64"),
        (dict(workers=65), r"workers 65 is out of range"),
    ],
)
def test_bad_seed_arguments_are_refused_before_the_table_is_touched(
    moto_engine, users, table_name: str, monkeypatch: pytest.MonkeyPatch, kwargs, message
) -> None:
    schema_load(moto_engine, table_name)
    seed(moto_engine, table_name, directory=users, now="2026-11-22T07:45:00Z", progress=False)
    before = scan(moto_engine, table_name).items
    untouched = FailingSend(fail_at=1)  # any DynamoDB call at all fails the test
    _inject(monkeypatch, untouched)
    with pytest.raises(WorkbenchError, match=message) as info:
        seed(moto_engine, table_name, directory=users, progress=False, **kwargs)
    assert "injected" not in str(info.value) and untouched.calls == 0
    monkeypatch.undo()
    assert scan(moto_engine, table_name).items == before


def test_the_seed_command_refuses_bad_input_in_one_line() -> None:
    from click.testing import CliRunner

    from workbench.cli import cli

    for args, needle in [
        (["--count", "1000000000000"], "1 to 100,000"),
        (["--now", "0001-01-01T00:00:00Z"], "year 1"),
        (["--now", ""], "not ISO 8601"),
        (["--workers", "0"], "give 1 to 64"),
    ]:
        result = CliRunner().invoke(cli, ["ddb", "seed", "--engine", "moto", *args])
        assert result.exit_code == 1, (args, result.output)
        assert needle in result.output and len(result.output.strip().splitlines()) == 1, args
        assert "Traceback" not in result.output


def test_reseeding_keeps_what_users_posted_and_summarises_the_real_last_message(
    moto_engine, users, table_name: str
) -> None:
    posted = _seeded_with_a_user_post(moto_engine, users, table_name)
    # Re-seed ending before the user's message: it stays the group's last message.
    result = seed(
        moto_engine, table_name, directory=users, now="2026-11-22T07:00:00Z", progress=False
    )
    assert result.kept == 1 and "kept 1 messages users posted" in result.summary()
    items = scan(moto_engine, table_name).items
    assert posted in items
    messages = [i for i in items if i["pk"].startswith("MSG#")]
    assert len(messages) == len(load_conversation()) + 1
    assert {(s["sk"], s["message"]) for s in _group_summaries(moto_engine, table_name)} == {
        (posted["sk"], "posted by a user")
    }
    # A seed that would overwrite the user's message is refused before anything is written.
    before = scan(moto_engine, table_name).items
    with pytest.raises(WorkbenchError, match="2026-11-22T08:00:00.000000.*give another --now"):
        seed(moto_engine, table_name, directory=users, now="2026-11-22T08:30:00Z", progress=False)
    assert scan(moto_engine, table_name).items == before
