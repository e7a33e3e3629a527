"""DynamoDB's limits, refused before sending with DynamoDB's own error (issue 9, item 5).

Each check goes through ``dynamo.send`` on in-process moto (which would accept most of these
requests) and asserts the code, the message and that nothing was written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from workbench import constants as C
from workbench.engine.dynamo import send
from workbench.engine.tables import create_table_request, schema_load
from workbench.errors import DynamoError, RequestRejected
from workbench.model import CRUDDUR, GSI_NAME
from workbench.model.capacity import item_size
from workbench.model.limits import KeySchema, TokenBook, check_request, messages
from workbench.model.requests import Request

GROUP = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"


@pytest.fixture
def table(moto_engine, table_name: str) -> str:
    """The model's table (pk/sk, GSI message_group_uuid + sk, all S) under a fresh name."""
    send(moto_engine, create_table_request(table_name))  # moto's tables are active at once
    return table_name


def item(pk: str = "GRP#a", sk: str = "2026-11-22", **extra: Any) -> dict[str, Any]:
    """A typed item with string keys and ``extra`` attributes given already typed."""
    return {"pk": {"S": pk}, "sk": {"S": sk}, **extra}


def scan(engine, table: str) -> list[dict[str, Any]]:
    """Every item of ``table``, straight from the engine's client."""
    return engine.client("dynamodb").scan(TableName=table)["Items"]


def refused(engine, table: str, request: Request, message: str, code: str = messages.VALIDATION):
    """Send ``request``, expect DynamoDB's refusal, and check that nothing was written."""
    before = scan(engine, table)
    with pytest.raises(RequestRejected) as info:
        send(engine, request)
    assert info.value.error_code == code
    assert info.value.error_message == message
    assert str(info.value).endswith(f"refused before sending: {code}: {message}")
    assert str(info.value).startswith(request.operation)
    assert scan(engine, table) == before
    return info.value


def put(table: str, typed: dict[str, Any]) -> Request:
    return Request("PutItem", {C.TABLE_NAME: table, C.ITEM: typed})


def batch(table: str, writes: list[dict[str, Any]]) -> Request:
    return Request("BatchWriteItem", {C.REQUEST_ITEMS: {table: writes}})


def transact(actions: list[dict[str, Any]], **params: Any) -> Request:
    return Request("TransactWriteItems", {C.TRANSACT_ITEMS: actions, **params})


# -- BatchWriteItem ----------------------------------------------------------------------


def test_batch_of_26_is_refused(moto_engine, table):
    writes = [{C.PUT_REQUEST: {C.ITEM: item(sk=f"s{i:02}")}} for i in range(26)]
    # DynamoDB echoes the request items, then the constraint on one table's list (issue 18).
    message = messages.BATCH_WRITE_SIZE.format(value=messages.request_items_text({table: writes}))
    error = refused(moto_engine, table, batch(table, writes), message)
    assert str(error).startswith(
        f"BatchWriteItem on '{table}' refused before sending: ValidationException: "
        f"1 validation error detected: Value '{{{table}=[WriteRequest(putRequest=PutRequest("
        "item={pk=AttributeValue(s=GRP#a, n=null,"
    )
    assert str(error).endswith("Member must have length greater than or equal to 1]")
    send(moto_engine, batch(table, writes[:25]))  # 25 is allowed, and written
    assert len(scan(moto_engine, table)) == 25


@pytest.mark.parametrize(
    "second",
    [
        {C.PUT_REQUEST: {C.ITEM: item(message={"S": "other"})}},
        {C.DELETE_REQUEST: {C.KEY: item()}},
    ],
    ids=["put-put", "put-delete"],
)
def test_batch_with_one_key_twice_is_refused(moto_engine, table, second):
    writes = [{C.PUT_REQUEST: {C.ITEM: item()}}, second]
    refused(moto_engine, table, batch(table, writes), messages.DUPLICATE_KEYS)


def test_empty_batches_are_refused(moto_engine, table):
    empty = Request("BatchWriteItem", {C.REQUEST_ITEMS: {}})
    refused(moto_engine, table, empty, messages.EMPTY_BATCH)
    error = refused(
        moto_engine, table, batch(table, []), messages.EMPTY_BATCH_TABLE.format(table=table)
    )
    assert f"Value '{{{table}=[]}}'" in error.error_message


# -- TransactWriteItems ------------------------------------------------------------------


def test_transaction_of_101_actions_is_refused(moto_engine, table):
    actions = [{C.PUT: {C.TABLE_NAME: table, C.ITEM: item(sk=f"s{i:03}")}} for i in range(101)]
    refused(moto_engine, table, transact(actions), messages.TOO_MANY_ACTIONS)


def test_empty_transaction_is_refused(moto_engine, table):
    refused(moto_engine, table, transact([]), messages.EMPTY_TRANSACTION)


def test_two_actions_on_one_item_are_refused(moto_engine, table):
    actions = [
        {C.PUT: {C.TABLE_NAME: table, C.ITEM: item(message={"S": "hi"})}},
        {C.DELETE: {C.TABLE_NAME: table, C.KEY: item()}},
    ]
    refused(moto_engine, table, transact(actions), messages.ONE_ITEM_TWICE)


def test_transaction_over_4_mb_is_refused(moto_engine, table):
    # Eleven items just under 400 KB each: every item is allowed, their sum is not.
    big = {"S": "x" * 390_000}
    actions = [
        {C.PUT: {C.TABLE_NAME: table, C.ITEM: item(sk=f"s{i}", data=big)}} for i in range(11)
    ]
    refused(moto_engine, table, transact(actions), messages.TRANSACTION_TOO_BIG)


def test_reused_token_with_another_payload_is_refused(moto_engine, table):
    first = transact([{C.PUT: {C.TABLE_NAME: table, C.ITEM: item()}}], ClientRequestToken="t1")
    send(moto_engine, first)
    send(moto_engine, first)  # the same token with the same payload is an idempotent retry
    other = transact(
        [{C.PUT: {C.TABLE_NAME: table, C.ITEM: item(sk="other")}}], ClientRequestToken="t1"
    )
    refused(moto_engine, table, other, messages.TOKEN_REUSED, messages.IDEMPOTENT_MISMATCH)
    # Another engine keeps its own tokens.
    from workbench.engine.engines import connect

    with connect("moto") as another:
        send(another, other)
    assert len(scan(moto_engine, table)) == 2


def test_tokens_are_remembered_for_ten_minutes():
    now = [1000.0]
    book = TokenBook(clock=lambda: now[0])
    first = transact([{C.PUT: {C.TABLE_NAME: "t", C.ITEM: item()}}], ClientRequestToken="k")
    other = transact([{C.PUT: {C.TABLE_NAME: "t", C.ITEM: item(sk="x")}}], ClientRequestToken="k")
    book.remember(first)
    assert book.conflicts("k", other)
    assert not book.conflicts("k", first)
    now[0] += 599
    assert book.conflicts("k", other)
    now[0] += 2
    assert not book.conflicts("k", other)


# -- GSI key types -----------------------------------------------------------------------

MISMATCH = messages.INDEX_TYPE_MISMATCH.format(
    name="message_group_uuid", expected="S", actual="N", index=GSI_NAME
)


def test_gsi_key_of_the_wrong_type_is_refused_on_every_write(moto_engine, table):
    assert MISMATCH == (
        "One or more parameter values were invalid: Type mismatch for Index Key "
        f"message_group_uuid Expected: S Actual: N IndexName: {GSI_NAME}"
    )
    wrong = item(message_group_uuid={"N": "42"})
    refused(moto_engine, table, put(table, wrong), MISMATCH)
    # In a transaction the action is cancelled, its reason the same message (issue 18).
    before = scan(moto_engine, table)
    with pytest.raises(DynamoError) as cancelled:
        send(moto_engine, transact([{C.PUT: {C.TABLE_NAME: table, C.ITEM: wrong}}]))
    reasons = cancelled.value.__cause__.response["CancellationReasons"]
    assert reasons == [{"Code": "ValidationError", "Message": MISMATCH}]
    assert scan(moto_engine, table) == before
    refused(moto_engine, table, batch(table, [{C.PUT_REQUEST: {C.ITEM: wrong}}]), MISMATCH)
    update = Request(
        "UpdateItem",
        {
            C.TABLE_NAME: table,
            C.KEY: item(),
            "UpdateExpression": "SET message = :m, #g = :g",
            C.EXPRESSION_ATTRIBUTE_NAMES: {"#g": "message_group_uuid"},
            C.EXPRESSION_ATTRIBUTE_VALUES: {":m": {"S": "hi"}, ":g": {"N": "42"}},
        },
    )
    refused(moto_engine, table, update, MISMATCH)
    send(moto_engine, put(table, item(message_group_uuid={"S": GROUP})))  # the right type passes


def test_describe_table_is_sent_once_per_engine_and_table(moto_engine, table):
    calls: list[str] = []
    client = moto_engine.client("dynamodb")
    client.meta.events.register("before-call.dynamodb.DescribeTable", lambda **_: calls.append(1))
    for i in range(3):
        send(moto_engine, put(table, item(sk=f"s{i}")))
    assert len(calls) == 1
    # The model's own table is known without asking; a missing table is the engine's to report.
    schema_load(moto_engine, CRUDDUR.table.name)  # (which describes the table itself)
    calls.clear()
    send(moto_engine, put(CRUDDUR.table.name, item()))
    assert calls == []
    with pytest.raises(DynamoError, match="does not exist"):
        send(moto_engine, put("no-such-table", item()))


def test_key_schema_from_description_matches_the_model(moto_engine, table):
    described = moto_engine.client("dynamodb").describe_table(TableName=table)["Table"]
    assert KeySchema.from_description(described) == KeySchema.from_spec(CRUDDUR.table)


# -- FilterExpression on a key -----------------------------------------------------------


def query(table: str, **params: Any) -> Request:
    values = {":pk": {"S": "GRP#a"}, ":v": {"S": "x"}}
    return Request(
        "Query",
        {
            C.TABLE_NAME: table,
            C.KEY_CONDITION_EXPRESSION: "pk = :pk",
            C.EXPRESSION_ATTRIBUTE_VALUES: values,
            **params,
        },
    )


@pytest.mark.parametrize(
    "params,key",
    [
        ({"FilterExpression": "sk > :v"}, "sk"),
        (
            {
                "FilterExpression": "message = :v OR #k > :v",
                C.EXPRESSION_ATTRIBUTE_NAMES: {"#k": "sk"},
            },
            "sk",
        ),
        ({"FilterExpression": "begins_with(pk, :v) AND sk > :v"}, "pk"),
    ],
)
def test_filter_on_a_table_key_is_refused(moto_engine, table, params, key):
    message = messages.FILTER_ON_KEY.format(name=key)
    assert message.startswith("Filter Expression can only contain non-primary key attributes")
    refused(moto_engine, table, query(table, **params), message)


def test_filter_on_an_index_key_is_refused_and_other_filters_pass(moto_engine, table):
    send(moto_engine, put(table, item(message={"S": "hello"}, message_group_uuid={"S": GROUP})))
    on_index = Request(
        "Query",
        {
            C.TABLE_NAME: table,
            C.INDEX_NAME: GSI_NAME,
            C.KEY_CONDITION_EXPRESSION: "message_group_uuid = :g",
            "FilterExpression": "size(sk) > :n",
            C.EXPRESSION_ATTRIBUTE_VALUES: {":g": {"S": GROUP}, ":n": {"N": "1"}},
        },
    )
    refused(moto_engine, table, on_index, messages.FILTER_ON_KEY.format(name="sk"))
    # pk is no key of the index, and message.length-like paths are not keys: both pass.
    params = dict(on_index.params, FilterExpression="begins_with(pk, :p) AND message <> :n")
    params[C.EXPRESSION_ATTRIBUTE_VALUES] = {
        **params[C.EXPRESSION_ATTRIBUTE_VALUES],
        ":p": {"S": "GRP"},
    }
    assert send(moto_engine, Request("Query", params))["Count"] == 1
    base = query(table, FilterExpression="message = :v")
    assert send(moto_engine, base)["Count"] == 0


# -- numbers and sizes -------------------------------------------------------------------

DIGITS_39 = "123456789012345678901234567890123456789"


@pytest.mark.parametrize(
    "extra",
    [
        {"n": {"N": DIGITS_39}},
        {"n": {"N": "-1.23456789012345678901234567890123456789"}},
        {"n": {"NS": ["1", DIGITS_39]}},
        {"n": {"M": {"deep": {"L": [{"N": DIGITS_39}]}}}},
    ],
    ids=["N", "negative-decimal", "NS", "nested"],
)
def test_numbers_over_38_digits_are_refused(moto_engine, table, extra):
    refused(moto_engine, table, put(table, item(**extra)), messages.TOO_MANY_DIGITS)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (
            "1E+200",
            "Number overflow. Attempting to store a number with magnitude larger than supported"
            " range",
        ),
        (
            "1E-200",
            "Number underflow. Attempting to store a number with magnitude smaller than supported"
            " range",
        ),
    ],
)
def test_numbers_out_of_dynamodbs_range_are_refused(moto_engine, table, number, message):
    refused(moto_engine, table, put(table, item(n={"N": number})), message)


def test_numbers_in_keys_and_values_are_checked(moto_engine, table):
    delete = Request(
        "DeleteItem",
        {
            C.TABLE_NAME: table,
            C.KEY: item(),
            "ConditionExpression": "n = :n",
            C.EXPRESSION_ATTRIBUTE_VALUES: {":n": {"N": DIGITS_39}},
        },
    )
    refused(moto_engine, table, delete, messages.TOO_MANY_DIGITS)


@pytest.mark.parametrize(
    "number", ["00042", "1.5E2", "12345678901234567890123456789012345678", "1" + "0" * 100]
)
def test_numbers_of_38_digits_or_fewer_pass(moto_engine, table, number):
    send(moto_engine, put(table, item(n={"N": number})))
    assert len(scan(moto_engine, table)) == 1


def test_items_over_400_kb_are_refused(moto_engine, table):
    base = item(data={"S": ""})
    at_limit = item(data={"S": "x" * (messages.MAX_ITEM_BYTES - item_size(base))})
    assert item_size(at_limit) == 409_600
    check_request(put(table, at_limit))  # exactly at the limit is allowed
    over = item(data={"S": "x" * (messages.MAX_ITEM_BYTES - item_size(base) + 1)})
    refused(moto_engine, table, put(table, over), messages.ITEM_TOO_BIG)
    refused(
        moto_engine, table, batch(table, [{C.PUT_REQUEST: {C.ITEM: over}}]), messages.ITEM_TOO_BIG
    )
    update = Request(
        "UpdateItem",
        {
            C.TABLE_NAME: table,
            C.KEY: item(),
            "UpdateExpression": "SET data = :d",
            C.EXPRESSION_ATTRIBUTE_VALUES: {":d": over["data"]},
        },
    )
    refused(moto_engine, table, update, messages.UPDATE_TOO_BIG)


def test_limit_below_one_is_refused(moto_engine, table):
    # Query and Scan word it differently, as DynamoDB does (issue 18).
    message = messages.QUERY_LIMIT_TOO_SMALL
    assert message.startswith("1 validation error detected: Value at 'Limit'")
    refused(moto_engine, table, query(table, Limit=0), message)
    scan_message = messages.LIMIT_TOO_SMALL.format(value=0)
    assert scan_message.startswith("1 validation error detected: Value '0' at 'limit'")
    refused(moto_engine, table, Request("Scan", {C.TABLE_NAME: table, C.LIMIT: 0}), scan_message)


# -- engines failing ---------------------------------------------------------------------


def size_filter(table: str) -> Request:
    """A Query moto fails on while ``moto_crashes`` holds (it failed on size() over an item
    lacking the attribute, until workbench.engine.motofixes)."""
    params = query(table, FilterExpression="size(message) > :n").params
    params[C.EXPRESSION_ATTRIBUTE_VALUES] = {":pk": {"S": "GRP#a"}, ":n": {"N": "1"}}
    return Request("Query", params)


@pytest.fixture
def moto_crashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto failing inside every Query, as a bug of moto's own would."""
    from moto.dynamodb.models import DynamoDBBackend

    def crash(*args: Any, **kwargs: Any) -> None:
        raise ValueError("moto failed")

    monkeypatch.setattr(DynamoDBBackend, "query", crash)


def test_in_process_moto_failing_is_one_clear_line(moto_engine, table, moto_crashes):
    send(moto_engine, put(table, item()))
    with pytest.raises(DynamoError) as info:
        send(moto_engine, size_filter(table))
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(
        f"Query on '{table}' failed on moto (in-process mock): the engine failed"
    )
    assert isinstance(info.value.cause, ValueError)


@pytest.fixture
def moto_server() -> Iterator[str]:
    """A plain moto server over real HTTP (which answers HTTP 500 when moto fails)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_http_500_is_one_clear_line_naming_the_engine(moto_server, table_name, moto_crashes):
    from workbench.engine.engines import connect

    with connect(endpoint=moto_server) as engine:
        schema_load(engine, table_name)
        send(engine, put(table_name, item()))
        with pytest.raises(DynamoError) as info:
            send(engine, size_filter(table_name))
    text = str(info.value)
    assert "\n" not in text
    assert text == (
        f"Query on '{table_name}' failed on {engine.describe()}: the engine answered HTTP 500 "
        "(500: 500 Internal Server Error), a failure of the engine itself, not a refusal of "
        "the request"
    )
    assert info.value.error_code == "500"


def test_what_send_skips_the_limits_for_has_nothing_to_check(moto_engine) -> None:
    """``dynamo.send`` skips importing the limits for these operations sent without
    parameters (``ddb list-tables``' first page, issue 16): every parameter of theirs is
    optional, and with none the checks have nothing to refuse. With parameters they are
    checked like any request (a ListTables ``Limit`` of 101 is DynamoDB's to refuse)."""
    import botocore.session

    from workbench.engine.dynamo import NOTHING_TO_CHECK
    from workbench.model.limits import checks

    model = botocore.session.get_session().get_service_model("dynamodb")
    for operation in NOTHING_TO_CHECK:
        assert not model.operation_model(operation).input_shape.required_members, operation
        assert checks.tables_needing_keys(Request(operation, {})) == []
        check_request(Request(operation, {}))  # passes: nothing to check
    # Table names are checked wherever a request names a table, so these are no longer skipped.
    assert not {"DescribeTable", "DeleteTable"} & NOTHING_TO_CHECK
    assert isinstance(send(moto_engine, Request("ListTables", {}))["TableNames"], list)
    with pytest.raises(RequestRejected) as info:
        send(moto_engine, Request("ListTables", {"Limit": 101}))
    assert info.value.error_message == (
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 100"
    )
    with pytest.raises(RequestRejected) as info:
        send(moto_engine, Request("DescribeTable", {"TableName": "bad name!"}))
    assert info.value.error_code == "ValidationException"
