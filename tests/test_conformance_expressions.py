"""Expressions, transactions' per-action refusals and legacy conditions as DynamoDB answers
them (issue 18), over real HTTP to the managed server with a raw boto3 client (no workbench
code between), so the server's checks (model/limits: grammar, expressions, placeholders,
transactions, calls) and moto fixes (engine/motoexpressions.py, motofixes.py) are what is
tested: DynamoDB's exact code and message and HTTP 400, never 500. The last tests send the
same requests through ``dynamo.send`` on in-process moto, which must answer alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import create_table, index, refused, unique_table_name

from workbench.engine.dynamo import send
from workbench.errors import DynamoError, RequestRejected
from workbench.model.limits import grammar
from workbench.model.requests import Request

pytestmark = pytest.mark.server

OVERLAP = (
    "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
    "or rewrite one of these paths; path one: %s, path two: %s"
)
SYNTAX = 'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"'
CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons [%s]"
SCHEMA = "The provided key element does not match the schema"
KEY_TYPE = (
    "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: %s"
)
INDEX_TYPE = (
    "One or more parameter values were invalid: Type mismatch for Index Key lsi1sk "
    "Expected: S Actual: %s IndexName: gsi1"
)


@pytest.fixture(scope="module")
def tables(ddb) -> Iterator[dict[str, str]]:
    """hash (pk S) and comp (pk, sk S; GSI gsi1 and LSI lsi1 on lsi1sk S)."""
    names = {kind: unique_table_name(f"expr-{kind}") for kind in ("hash", "comp")}
    create_table(ddb, names["hash"], [("pk", "S")])
    create_table(
        ddb,
        names["comp"],
        [("pk", "S"), ("sk", "S")],
        types={"lsi1sk": "S"},
        GlobalSecondaryIndexes=[index("gsi1", "lsi1sk")],
        LocalSecondaryIndexes=[index("lsi1", "pk", "lsi1sk")],
    )
    yield names
    for name in names.values():
        ddb.delete_table(TableName=name)


def cancelled(send_it: Callable[[], Any], *reasons: str | None) -> None:
    """``send_it()`` is a TransactionCanceledException whose reasons are ``ValidationError``
    with these messages, ``None`` for an action that passed, in order."""
    codes = ["ValidationError" if reason else "None" for reason in reasons]
    error = refused(send_it, CANCELLED % ", ".join(codes), "TransactionCanceledException")
    expected = [
        {"Code": "ValidationError", "Message": reason} if reason else {"Code": "None"}
        for reason in reasons
    ]
    assert error["CancellationReasons"] == expected


def key(pk: str, sk: str | None = None) -> dict[str, Any]:
    return {"pk": {"S": pk}, **({"sk": {"S": sk}} if sk is not None else {})}


# -- ProjectionExpression ------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression,names,one,two",
    [
        ("a, a.b", None, "[a]", "[a, b]"),
        ("a, a", None, "[a]", "[a]"),
        ("#a, #b", {"#a": "a", "#b": "a"}, "[a]", "[a]"),
        ("l[0].x, l[0]", None, "[l, [0], x]", "[l, [0]]"),
    ],
    ids=["parent-child", "duplicate", "two-aliases", "list-index"],
)
def test_overlapping_projection_paths_are_refused_before_any_read(
    ddb, tables, expression, names, one, two
):
    table = tables["hash"]
    extra = {"ExpressionAttributeNames": names} if names else {}
    message = OVERLAP % (one, two)
    refused(
        lambda: ddb.get_item(
            TableName=table, Key=key("none"), ProjectionExpression=expression, **extra
        ),
        message,
    )
    entry = {"Keys": [key("none")], "ProjectionExpression": expression, **extra}
    clean = {"Keys": [key("x", "y")], "ProjectionExpression": "a"}
    # One bad entry refuses the whole batch, a clean entry on another table notwithstanding.
    refused(
        lambda: ddb.batch_get_item(RequestItems={table: entry, tables["comp"]: clean}),
        message,
    )


def test_projection_syntax_errors_are_dynamodbs(ddb, tables):
    table = tables["hash"]
    refused(
        lambda: ddb.get_item(TableName=table, Key=key("x"), ProjectionExpression="!!! INVALID !!!"),
        SYNTAX,
    )
    get = {"TableName": table, "Key": key("x"), "ProjectionExpression": "!!!"}
    refused(lambda: ddb.transact_get_items(TransactItems=[{"Get": get}]), SYNTAX)
    refused(
        lambda: ddb.scan(TableName=table, ProjectionExpression="a b"),
        'Invalid ProjectionExpression: Syntax error; token: "b", near: "a b"',
    )


def test_distinct_projection_paths_are_answered(ddb, tables):
    table = tables["hash"]
    item = {**key("proj"), "a": {"M": {"b": {"S": "bb"}, "c": {"S": "cc"}}}, "d": {"N": "1"}}
    ddb.put_item(TableName=table, Item=item)
    got = ddb.get_item(TableName=table, Key=key("proj"), ProjectionExpression="a.b, a.c, d")
    assert got["Item"] == {"a": item["a"], "d": item["d"]}


# -- condition, key condition and update expressions ---------------------------------------


def test_a_syntax_error_is_reported_before_an_unused_value(ddb, tables):
    refused(
        lambda: ddb.update_item(
            TableName=tables["hash"],
            Key=key("x"),
            UpdateExpression="INVALID SYNTAX HERE",
            ExpressionAttributeValues={":v": {"S": "val"}},
        ),
        'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"',
    )
    refused(
        lambda: ddb.query(
            TableName=tables["comp"],
            KeyConditionExpression="",
            ExpressionAttributeValues={":v": {"S": "val"}},
        ),
        "Invalid KeyConditionExpression: The expression can not be empty;",
    )


def test_key_conditions_read_as_dynamodb_reads_them(ddb, tables):
    table = tables["comp"]
    for sk in ("a", "m", "z"):
        ddb.put_item(TableName=table, Item=key("kc", sk))
    names = {"#pk": "pk", "#sk": "sk"}

    def sks(expression: str, **values: Any) -> list[str]:
        answer = ddb.query(
            TableName=table,
            KeyConditionExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={":pk": {"S": "kc"}, **values},
        )
        return [item["sk"]["S"] for item in answer["Items"]]

    # Nested parentheses, and a value on the left of its comparator.
    assert sks("((#pk = :pk)) AND ((#sk = :sk))", **{":sk": {"S": "m"}}) == ["m"]
    assert sks("#pk = :pk AND :lo <= #sk", **{":lo": {"S": "m"}}) == ["m", "z"]
    assert sks("#pk = :pk AND :hi > #sk", **{":hi": {"S": "m"}}) == ["a"]
    refused(
        lambda: sks("#pk = :pk AND #sk.foo = :v", **{":v": {"S": "x"}}),
        "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on "
        "nested attributes",
    )


def test_operands_dynamodb_refuses_whether_or_not_an_item_matches(ddb, tables):
    refused(
        lambda: ddb.put_item(
            TableName=tables["hash"],
            Item=key("contains"),
            ConditionExpression="contains(#a, #a)",
            ExpressionAttributeNames={"#a": "data"},
        ),
        "Invalid ConditionExpression: The first operand must be distinct from the remaining "
        "operands for this operator or function; operator: contains, first operand: [data]",
    )
    refused(
        lambda: ddb.scan(
            TableName=tables["hash"],
            FilterExpression="begins_with(#p, :n)",
            ExpressionAttributeNames={"#p": "no_such_attribute"},
            ExpressionAttributeValues={":n": {"N": "5"}},
        ),
        "Invalid FilterExpression: Incorrect operand type for operator or function; operator "
        "or function: begins_with, operand type: N",
    )
    assert "Item" not in ddb.get_item(TableName=tables["hash"], Key=key("contains"))


def test_parenthesised_arithmetic_and_size_in_utf16_code_units(ddb, tables):
    table = tables["hash"]
    ddb.put_item(TableName=table, Item={**key("arith"), "c": {"N": "10"}})
    answer = ddb.update_item(
        TableName=table,
        Key=key("arith"),
        UpdateExpression="SET c = (c - :v)",
        ExpressionAttributeValues={":v": {"N": "3"}},
        ReturnValues="ALL_NEW",
    )
    assert answer["Attributes"]["c"] == {"N": "7"}
    # "é" is one UTF-16 code unit, "𝄞" two (a surrogate pair): 3, not 2 code points or 6 bytes.
    ddb.put_item(TableName=table, Item={**key("size"), "s": {"S": "é\U0001d11e"}})
    for size, found in (("3", 1), ("2", 0), ("6", 0)):
        answer = ddb.scan(
            TableName=table,
            FilterExpression="pk = :pk AND size(s) = :n",
            ExpressionAttributeValues={":pk": {"S": "size"}, ":n": {"N": size}},
        )
        assert answer["Count"] == found, size


# -- transactions: per-action refusals cancel ----------------------------------------------


def test_an_action_dynamodb_refuses_cancels_the_transaction(ddb, tables):
    hash_table, comp = tables["hash"], tables["comp"]

    def write(*actions: dict[str, Any]) -> Callable[[], Any]:
        return lambda: ddb.transact_write_items(TransactItems=list(actions))

    cancelled(write({"Put": {"TableName": hash_table, "Item": {"pk": {"N": "5"}}}}), KEY_TYPE % "N")
    cancelled(
        write({"Put": {"TableName": hash_table, "Item": {"pk": {"L": [{"S": "x"}]}}}}),
        KEY_TYPE % "L",
    )
    cancelled(
        write({"Put": {"TableName": comp, "Item": {**key("t", "a"), "lsi1sk": {"N": "5"}}}}),
        INDEX_TYPE % "N",
    )
    update = {
        "TableName": comp,
        "Key": key("t", "b"),
        "UpdateExpression": "SET lsi1sk = :v",
        "ExpressionAttributeValues": {":v": {"L": [{"S": "x"}]}},
    }
    cancelled(write({"Update": update}), INDEX_TYPE % "L")
    for wrong in ({"N": "5"}, {"L": [{"S": "x"}]}):
        bad_key = {"TableName": hash_table, "Key": {"pk": wrong}}
        cancelled(
            write({"Update": {**bad_key, "UpdateExpression": "REMOVE a"}}),
            SCHEMA,
        )
        cancelled(write({"Delete": bad_key}), SCHEMA)
        check = {**bad_key, "ConditionExpression": "attribute_not_exists(pk)"}
        cancelled(write({"ConditionCheck": check}), SCHEMA)
    # Reasons are positional: None for the action that would have passed, which is not written.
    good = {"Put": {"TableName": hash_table, "Item": key("tx-good")}}
    cancelled(write(good, {"Delete": {"TableName": hash_table, "Key": {}}}), None, SCHEMA)
    assert "Item" not in ddb.get_item(TableName=hash_table, Key=key("tx-good"))
    get = {"Get": {"TableName": hash_table, "Key": {}}}
    cancelled(lambda: ddb.transact_get_items(TransactItems=[get]), SCHEMA)


def test_whole_request_refusals_stay_validation_exceptions(ddb, tables):
    # An empty key value refuses the whole transaction, it does not cancel it.
    put = {"Put": {"TableName": tables["hash"], "Item": {"pk": {"S": ""}}}}
    error = refused(
        lambda: ddb.transact_write_items(TransactItems=[put]),
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: pk",
    )
    assert "CancellationReasons" not in error


# -- legacy conditions -----------------------------------------------------------------------


def test_legacy_expected_and_conditional_operator(ddb, tables):
    table = tables["hash"]
    ddb.put_item(TableName=table, Item={**key("legacy"), "status": {"S": "active"}})
    failed = "The conditional request failed"
    refused(
        lambda: ddb.delete_item(
            TableName=table, Key=key("legacy"), Expected={"status": {"Exists": False}}
        ),
        failed,
        "ConditionalCheckFailedException",
    )
    expected = {
        "status": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "active"}]},
        "role": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "admin"}]},
    }
    item = {**key("legacy"), "status": {"S": "updated"}}
    refused(
        lambda: ddb.put_item(TableName=table, Item=item, Expected=expected),
        failed,
        "ConditionalCheckFailedException",
    )
    ddb.put_item(TableName=table, Item=item, Expected=expected, ConditionalOperator="OR")
    assert ddb.get_item(TableName=table, Key=key("legacy"))["Item"] == item
    ddb.put_item(TableName=table, Item=key("fresh"), Expected={"pk": {"Exists": False}})
    refused(
        lambda: ddb.update_item(
            TableName=table,
            Key=key("legacy"),
            AttributeUpdates={"pk": {"Action": "PUT", "Value": {"S": "new"}}},
        ),
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute "
        "is part of the key",
    )


# -- the grammar, and dynamo.send on in-process moto ---------------------------------------


@pytest.mark.parametrize(
    "reader,text,message",
    [
        (grammar.projection, "", grammar.EMPTY),
        (grammar.projection, "a,", 'Syntax error; token: "<EOF>", near: ","'),
        (grammar.update, "SET a = ", 'Syntax error; token: "<EOF>", near: "= "'),
        (grammar.update, "SET a = :v :w", 'Syntax error; token: ":w", near: ":v :w"'),
        (grammar.condition, "a =! b", 'Syntax error; token: "!", near: "=! b"'),
        (grammar.condition, "(a = :v", 'Syntax error; token: "<EOF>", near: ":v"'),
    ],
)
def test_syntax_errors_name_the_token_and_its_neighbours(reader, text, message):
    with pytest.raises(grammar.ExpressionSyntax) as info:
        reader(text)
    assert info.value.message == message


def test_the_grammar_reads_what_dynamodb_takes():
    tree = grammar.condition("NOT a = :b OR (size(c) > :n AND d IN (:x, :y))")
    negated = grammar.Condition("NOT", (grammar.Condition("=", (P("a"), V(":b"))),))
    sized = grammar.Condition(">", (grammar.Call("size", (P("c"),)), V(":n")))
    within = grammar.Condition("IN", (P("d"), V(":x"), V(":y")))
    assert tree == grammar.Condition("OR", (negated, grammar.Condition("AND", (sized, within))))
    assert grammar.projection("#l[1].b, c") == [P("#l", 1, "b"), P("c")]
    actions = grammar.update("SET a = (a - :v) REMOVE b[0] ADD n :one")
    assert [action.clause for action in actions] == ["SET", "REMOVE", "ADD"]
    assert actions[0].value == grammar.Arithmetic("-", (P("a"), V(":v")))


def P(*parts: str | int) -> grammar.Path:
    return grammar.Path(tuple(parts))


def V(name: str) -> grammar.Value:
    return grammar.Value(name)


@pytest.fixture
def moto_table(moto_engine) -> str:
    name = unique_table_name("expr-moto")
    moto_engine.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def test_send_on_in_process_moto_refuses_and_cancels_alike(moto_engine, moto_table):
    with pytest.raises(RequestRejected) as info:
        send(
            moto_engine,
            Request(
                "GetItem",
                {"TableName": moto_table, "Key": key("x"), "ProjectionExpression": "a, a.b"},
            ),
        )
    assert info.value.error_message == OVERLAP % ("[a]", "[a, b]")
    put = {"Put": {"TableName": moto_table, "Item": {"pk": {"N": "5"}}}}
    with pytest.raises(DynamoError) as failed:
        send(moto_engine, Request("TransactWriteItems", {"TransactItems": [put]}))
    reasons = failed.value.__cause__.response["CancellationReasons"]
    assert reasons == [{"Code": "ValidationError", "Message": KEY_TYPE % "N"}]
    update = {
        "TableName": moto_table,
        "Key": key("m"),
        "UpdateExpression": "SET c = (:a - :b)",
        "ExpressionAttributeValues": {":a": {"N": "10"}, ":b": {"N": "3"}},
        "ReturnValues": "ALL_NEW",
    }
    answer = send(moto_engine, Request("UpdateItem", update))
    assert answer["Attributes"]["c"] == {"N": "7"}
