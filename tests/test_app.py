"""The application layer: patterns A-D, membership, validation, atomic group creation."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.clock import FixedClock
from workbench.cruddur.app import Messenger, pair_group_uuid
from workbench.cruddur.scanner import scan
from workbench.engine.tables import schema_load
from workbench.errors import DynamoError, Forbidden, NotFound, ValidationError
from workbench.model import SEED_GROUP_UUID


@pytest.fixture
def app(engine, users, seeded: str) -> Messenger:
    return Messenger(engine, users, seeded, clock=FixedClock("2026-11-23T09:00:00Z"))


def test_a_lists_a_group_for_members_only(app: Messenger) -> None:
    page = app.list_messages("bayko", SEED_GROUP_UUID)
    assert len(page.items) == 20 and page.next
    stamps = [m["created_at"] for m in page.items]
    assert stamps == sorted(stamps)
    older = app.list_messages("bayko", SEED_GROUP_UUID, cursor=page.next)
    assert older.items[-1]["created_at"] < stamps[0]
    by_handle = app.list_messages("andrewbrown", with_handle="bayko")
    assert by_handle.items == page.items
    with pytest.raises(Forbidden, match="'londo' is not a member of message group"):
        app.list_messages("londo", SEED_GROUP_UUID)
    with pytest.raises(NotFound, match="no message group"):
        app.list_messages("bayko", str(uuid.uuid4()))
    with pytest.raises(NotFound, match="no conversation with 'londo'"):
        app.list_messages("bayko", with_handle="londo")


def test_the_acting_user_can_be_a_cognito_sub(app: Messenger, users) -> None:
    users.update_cognito_user_id("bayko", "sub-of-bayko")
    assert len(app.list_messages("sub-of-bayko", SEED_GROUP_UUID).items) == 20
    with pytest.raises(NotFound, match="no user with handle or Cognito id 'MOCK'"):
        app.list_messages("MOCK", SEED_GROUP_UUID)


def test_b_lists_my_groups_newest_first(app: Messenger) -> None:
    app.send_message("andrewbrown", "hello londo", to_handle="londo")
    groups = app.list_message_groups("andrewbrown").items
    assert [g["handle"] for g in groups] == ["londo", "bayko"]
    assert groups[0]["message"] == "hello londo"
    assert set(groups[0]) == {"uuid", "display_name", "handle", "message", "created_at"}


class SentQueries:
    """Records the parameters of every Query the client really sends."""

    EVENT = "provide-client-params.dynamodb.Query"

    def __init__(self, client) -> None:
        self.client, self.params = client, []

    def __call__(self, params, **_) -> None:
        self.params.append(dict(params))

    def __enter__(self) -> SentQueries:
        self.client.meta.events.register(self.EVENT, self)
        return self

    def __exit__(self, *exc) -> None:
        self.client.meta.events.unregister(self.EVENT, self)


def assert_no_year_condition(params: dict) -> None:
    """Pattern B's query names the owner's partition only: no sort-key or filter condition."""
    assert params["KeyConditionExpression"] == "pk = :pk", params
    assert "FilterExpression" not in params and "begins_with" not in str(params), params
    assert set(params["ExpressionAttributeValues"]) == {":pk"}, params
    assert params["ExpressionAttributeValues"][":pk"]["S"].startswith("GRP#"), params


@pytest.mark.parametrize("year", [2031, 1999])
def test_b_in_another_year_than_the_machines(engine, users, table_name: str, year: int) -> None:
    # The original's begins_with(sk, <current year>) hid every group outside this year.
    from datetime import UTC, datetime

    from workbench.cruddur import queries
    from workbench.cruddur.seeder import seed

    assert year != datetime.now(UTC).year
    schema_load(engine, table_name)
    seed(engine, table_name, directory=users, now=f"{year}-03-01T12:00:00Z", progress=False)
    app = Messenger(engine, users, table_name, clock=FixedClock(f"{year}-06-15T09:00:00Z"))
    app.send_message("andrewbrown", "hello londo", to_handle="londo")
    with SentQueries(engine.client("dynamodb")) as sent:
        groups = app.list_message_groups("andrewbrown").items
        script = queries.list_conversations(engine, "andrewbrown", table_name, directory=users)
    assert [g["handle"] for g in groups] == ["londo", "bayko"]
    assert [g["handle"] for g in script.items] == ["londo", "bayko"]
    assert [g["created_at"][:4] for g in groups] == [str(year), str(year)]
    assert len(sent.params) == 2  # one Query per path, as the app sent it
    for params in sent.params:
        assert_no_year_condition(params)


def test_c_posts_to_an_existing_group(app: Messenger, engine, seeded: str) -> None:
    before = len(scan(engine, seeded).items)
    sent = app.send_message("bayko", "see you at 10", message_group_uuid=SEED_GROUP_UUID)
    assert not sent.created_group
    assert sent.created_at == "2026-11-23T09:00:00.000000+00:00"
    assert sent.request.operation == "PutItem"
    assert len(scan(engine, seeded).items) == before + 1
    latest = app.list_messages("andrewbrown", SEED_GROUP_UUID).items[-1]
    assert latest == {
        "uuid": sent.uuid,
        "display_name": "Andrew Bayko",
        "handle": "bayko",
        "message": "see you at 10",
        "created_at": sent.created_at,
    }
    with pytest.raises(Forbidden, match="may not post"):
        app.send_message("londo", "let me in", message_group_uuid=SEED_GROUP_UUID)


def test_same_microsecond_keeps_both_messages(engine, users, seeded: str) -> None:
    frozen = FixedClock("2026-11-23T09:00:00Z", step=timedelta(0))
    app = Messenger(engine, users, seeded, clock=frozen)
    a = app.send_message("bayko", "one", message_group_uuid=SEED_GROUP_UUID)
    b = app.send_message("bayko", "two", message_group_uuid=SEED_GROUP_UUID)
    assert a.created_at < b.created_at
    texts = [m["message"] for m in app.list_messages("bayko", SEED_GROUP_UUID).items]
    assert texts[-2:] == ["one", "two"]


def test_d_creates_a_group_atomically_and_reuses_it(
    app: Messenger, engine, seeded: str, users
) -> None:
    before = {(i["pk"], i["sk"]) for i in scan(engine, seeded).items}
    sent = app.send_message("andrewbrown", "hello", to_handle="londo")
    assert sent.created_group and sent.request.operation == "TransactWriteItems"
    me, londo = users.get_by_handle("andrewbrown"), users.get_by_handle("londo")
    assert sent.message_group_uuid == pair_group_uuid(me.uuid, londo.uuid)
    new = [i for i in scan(engine, seeded).items if (i["pk"], i["sk"]) not in before]
    assert sorted(i["pk"] for i in new) == sorted(
        [f"GRP#{me.uuid}", f"GRP#{londo.uuid}", f"MSG#{sent.message_group_uuid}"]
    )
    assert {i["sk"] for i in new} == {sent.created_at}
    reply = app.send_message("londo", "hi!", to_handle="andrewbrown")
    assert not reply.created_group and reply.message_group_uuid == sent.message_group_uuid
    assert len(scan(engine, seeded).items) == len(before) + 4


def test_validation_reports_every_problem_and_writes_nothing(
    app: Messenger, engine, seeded: str
) -> None:
    before = scan(engine, seeded).items
    cases = [
        (
            dict(who="andrewbrown", message="", to_handle="andrewbrown"),
            ["message_blank", "user_receiver_is_sender"],
        ),
        (
            dict(who="andrewbrown", message="x" * 1025, to_handle="ghost"),
            ["message_exceed_max_chars_1024", "user_receiver_handle_unknown"],
        ),
        (
            dict(who="andrewbrown", message="   ", to_handle=" "),
            ["message_blank", "user_receiver_handle_blank"],
        ),
        (
            dict(who="andrewbrown", message="hi", message_group_uuid=""),
            ["message_group_uuid_blank"],
        ),
        (
            dict(who="andrewbrown", message="hi", message_group_uuid=str(uuid.uuid4())),
            ["message_group_uuid_unknown"],
        ),
        (
            dict(who="andrewbrown", message="bad\x00byte", message_group_uuid="nope"),
            ["message_control_characters", "message_group_uuid_unknown"],
        ),
    ]
    for kwargs, codes in cases:
        who = kwargs.pop("who")
        with pytest.raises(ValidationError) as info:
            app.send_message(who, **kwargs)
        assert info.value.codes == codes, kwargs
    assert app.send_message("andrewbrown", "x" * 1024, to_handle="bayko").uuid
    assert len(scan(engine, seeded).items) == len(before) + 1


@pytest.mark.parametrize(
    "message, code, says",
    [
        (5, "message_not_string", "message must be a string, got a number"),
        (1.5, "message_not_string", "message must be a string, got a number"),
        (True, "message_not_string", "message must be a string, got a boolean"),
        (["hi"], "message_not_string", "message must be a string, got a list"),
        ({"text": "hi"}, "message_not_string", "message must be a string, got an object"),
        ("invoice\u202efdp.exe", "message_bidi_controls", "U+202A-U+202E"),
        ("\u2066hi\u2069 there", "message_bidi_controls", "U+2066-U+2069"),
    ],
)
def test_a_message_of_another_type_or_with_bidi_controls_is_refused(
    app: Messenger, engine, seeded: str, message, code: str, says: str
) -> None:
    before = scan(engine, seeded).items
    with pytest.raises(ValidationError) as info:
        app.send_message("bayko", message, message_group_uuid=SEED_GROUP_UUID)
    assert info.value.codes == [code]
    assert says in str(info.value)
    assert scan(engine, seeded).items == before
    # The receiver's handle is named by its type too, not called blank.
    with pytest.raises(ValidationError) as info:
        app.send_message("bayko", "hi", to_handle=7)
    assert info.value.problems == [
        ("handle", "handle_not_string", "handle must be a string, got a number")
    ]


def test_a_failure_in_the_middle_of_d_leaves_nothing(engine, users, table_name) -> None:
    schema_load(engine, table_name)
    app = Messenger(engine, users, table_name, clock="2026-11-23T09:00:00Z")
    client = engine.client("dynamodb")
    sent: list[dict] = []

    def break_the_message(params, **_):
        # The third action (the Message) gets an empty sort key, which DynamoDB rejects.
        params["TransactItems"][2]["Put"]["Item"]["sk"] = {"S": ""}
        sent.append(params)

    client.meta.events.register(
        "provide-client-params.dynamodb.TransactWriteItems", break_the_message
    )
    try:
        with pytest.raises(DynamoError, match="TransactWriteItems"):
            app.send_message("andrewbrown", "hello", to_handle="londo")
    finally:
        client.meta.events.unregister(
            "provide-client-params.dynamodb.TransactWriteItems", break_the_message
        )
    # One transaction of the two summaries and the message was sent, and none of it stayed.
    (params,) = sent
    assert [a["Put"]["Item"]["pk"]["S"][:4] for a in params["TransactItems"]] == [
        "GRP#",
        "GRP#",
        "MSG#",
    ]
    assert scan(engine, table_name).items == []


@pytest.mark.server
def test_racing_first_messages_name_the_same_group(local_engine, users, table_name) -> None:
    schema_load(local_engine, table_name)
    results = []

    def send(who: str, to: str, second: int) -> None:
        app = Messenger(
            local_engine, users, table_name, clock=FixedClock(f"2026-11-23T09:00:0{second}Z")
        )
        results.append(app.send_message(who, f"hi from {who}", to_handle=to))

    threads = [
        threading.Thread(target=send, args=("andrewbrown", "londo", 1)),
        threading.Thread(target=send, args=("londo", "andrewbrown", 2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.message_group_uuid for r in results}) == 1


KNOWN_HANDLES = ("londo", "bayko", "andrewbrown")


def expected_codes(text: str, handle: str) -> list[str]:
    """The validation codes the spec gives (an oracle written apart from the app's code)."""
    import unicodedata

    codes = []
    if all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text):
        codes.append("message_blank")  # blank or invisible only: nothing else is said
    else:
        if len(text) > 1024:
            codes.append("message_exceed_max_chars_1024")
        if any(ord(ch) < 32 and ch not in "\t\n" or 0x7F <= ord(ch) <= 0x9F for ch in text):
            codes.append("message_control_characters")
        if any(0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069 for ch in text):
            codes.append("message_bidi_controls")
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
            codes.append("message_not_utf8")
    if not handle.strip():
        codes.append("user_receiver_handle_blank")
    elif handle == "andrewbrown":
        codes.append("user_receiver_is_sender")
    elif handle not in KNOWN_HANDLES:
        codes.append("user_receiver_handle_unknown")
    return codes


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.one_of(
        st.text(max_size=1100),
        st.sampled_from(
            [
                "",
                " ",
                "o'brien",
                '"quoted"',
                "'; DROP TABLE users; --",
                ":pk = :pk",
                "#name",
                "attribute_not_exists(pk)",
                "\u202e\u0000",
                "look: \u202egnp.exe",
                "\u2067isolated\u2069 \u200fmarked",
                "💬" * 1024,
                "é" * 1025,
                "\ud800",
                "line\rover",
                "next\u0085line",
                "\u200b\u200b",
                "tab\tand\nnewline",
            ]
        ),
    ),
    handle=st.one_of(
        st.sampled_from(
            ["londo", "bayko", "andrewbrown", "", " ", "ghost", "'; --", "l0ndo%", "#x"]
        ),
        # Generated handles stay clear of the real ones (case and spaces aside).
        st.text(max_size=40).filter(
            lambda h: h.strip().casefold() not in KNOWN_HANDLES or not h.strip()
        ),
    ),
)
def test_any_input_has_exactly_its_expected_outcome(engine, users, text, handle) -> None:
    table = "hypothesis-messages"
    schema_load(engine, table)
    app = Messenger(engine, users, table)
    before = scan(engine, table).items
    codes = expected_codes(text, handle)
    if codes:
        with pytest.raises(ValidationError) as info:
            app.send_message("andrewbrown", text, to_handle=handle)
        assert info.value.codes == codes, (text, handle)
        assert scan(engine, table).items == before  # nothing written
        return
    me, other = users.get_by_handle("andrewbrown"), users.get_by_handle(handle)
    group = pair_group_uuid(me.uuid, other.uuid)
    existed = any(i.get("message_group_uuid") == group for i in before)
    sent = app.send_message("andrewbrown", text, to_handle=handle)
    assert (sent.message_group_uuid, sent.created_group) == (group, not existed)
    new = [i for i in scan(engine, table).items if i not in before]
    assert len(new) == (1 if existed else 3)
    (stored,) = [i for i in new if i["pk"] == f"MSG#{group}"]
    assert stored["message"] == text and stored["sk"] == sent.created_at


@pytest.mark.server
def test_several_senders_at_once_end_with_two_summaries_at_the_latest(
    local_engine, users, local_seeded: str, tmp_path
) -> None:
    """Both members post into one group from several threads at once while the stream
    runner works in the background: exactly two summaries remain, both at the newest
    message, and no message is lost."""
    from workbench.cruddur.stream import StreamRunner
    from workbench.cruddur.stream.handler import summaries

    sent: list = []
    errors: list[Exception] = []

    def sender(who: str, count: int) -> None:
        app = Messenger(local_engine, users, local_seeded)
        try:
            for i in range(count):
                sent.append(
                    app.send_message(who, f"{who} #{i}", message_group_uuid=SEED_GROUP_UUID)
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with StreamRunner(
        local_engine, local_seeded, checkpoint_path=tmp_path / "cp.json", batch_size=5
    ) as runner:
        threads = [
            threading.Thread(target=sender, args=(who, 6))
            for who in ("bayko", "andrewbrown", "bayko", "andrewbrown")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        runner.wait_until_caught_up(timeout=60)
    assert not errors
    assert len(sent) == 24 and len({s.created_at for s in sent}) == 24
    latest = max(sent, key=lambda s: s.created_at)
    found = summaries(local_engine.client("dynamodb"), local_seeded, SEED_GROUP_UUID)
    assert len(found) == 2
    assert {(s["sk"], s["message"]) for s in found} == {(latest.created_at, latest.message)}
    messages = [i for i in scan(local_engine, local_seeded).items if i["pk"].startswith("MSG#")]
    assert len(messages) == 116 + 24
