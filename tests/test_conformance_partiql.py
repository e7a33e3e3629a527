"""PartiQL on the managed server as DynamoDB answers it, for any client (issue 18).

Every request here goes over real HTTP with a raw boto3 client (or a signed raw POST, for what
botocore refuses to send), not through ``dynamo.send``: the server itself is under test.
DynamoDB's answers are from the API reference (ExecuteStatement, BatchExecuteStatement,
ExecuteTransaction) and the developer guide's PartiQL pages; the messages are DynamoDB's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import KEYS_ONLY, create_table, index, raw_refused, refusal, refused, unique_table_name

from workbench.errors import RequestRejected
from workbench.model.requests import Request

NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: "


@pytest.fixture
def client(local_engine: Any) -> Any:
    """A raw boto3 DynamoDB client on the managed server (no workbench checks)."""
    return local_engine.client("dynamodb")


@pytest.fixture
def table(client: Any) -> Iterator[str]:
    """A table keyed pk (S) + sk (S), with a GSI on g, holding three items of partition p."""
    name = create_table(
        client,
        unique_table_name("pq"),
        [("pk", "S"), ("sk", "S")],
        types={"g": "S"},
        GlobalSecondaryIndexes=[index("by-g", "g", projection=KEYS_ONLY)],
    )
    for i in range(3):
        client.put_item(
            TableName=name,
            Item={
                "pk": {"S": "p"},
                "sk": {"S": f"s{i}"},
                "n": {"N": str(i * 5)},
                "a": {"M": {"b": {"S": f"x{i}"}}},
                "l": {"L": [{"S": f"e{i}"}]},
                **({"g": {"S": "G"}} if i != 1 else {}),
            },
        )
    yield name
    client.delete_table(TableName=name)


def _keys(items: list[dict[str, Any]]) -> list[str]:
    return [item["sk"]["S"] for item in items]


def _stored(client: Any, table: str, pk: str, sk: str) -> dict[str, Any] | None:
    key = {"pk": {"S": pk}, "sk": {"S": sk}}
    return client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


# -- what moto answered with HTTP 500 ------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize(
    ("where", "parameters", "expected"),
    [
        ('"n" > 5', None, ["s2"]),
        ('"n" >= ?', [{"N": "5"}], ["s1", "s2"]),
        ("n < ?", [{"N": "5"}], ["s0"]),
        ("sk > 's0'", None, ["s1", "s2"]),
        ("n BETWEEN 1 AND 10", None, ["s1", "s2"]),
        ("g >= 'A'", None, ["s0", "s2"]),  # s1 lacks g: false, never a crash
        ("size(sk) = 2 AND n <> 5", None, ["s0", "s2"]),
    ],
)
def test_select_with_a_comparison_answers_the_matching_items(
    client: Any, table: str, where: str, parameters: list[Any] | None, expected: list[str]
) -> None:
    params: dict[str, Any] = {"Statement": f'SELECT * FROM "{table}" WHERE {where}'}
    if parameters:
        params["Parameters"] = parameters
    answer = client.execute_statement(**params)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sorted(_keys(answer["Items"])) == expected


@pytest.mark.server
def test_insert_with_parameters_stores_the_item(client: Any, table: str) -> None:
    answer = client.execute_statement(
        Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': ?, 'n': ?, 'm': {{'k': ?}}}}",
        Parameters=[{"S": "q"}, {"S": "r"}, {"N": "00042"}, {"B": b"\x01\x02"}],
    )
    assert answer["Items"] == []
    stored = _stored(client, table, "q", "r")
    assert stored == {
        "pk": {"S": "q"},
        "sk": {"S": "r"},
        "n": {"N": "42"},  # as DynamoDB stores numbers
        "m": {"M": {"k": {"B": b"\x01\x02"}}},
    }


@pytest.mark.server
@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("SELEC * FROM {t}", NOT_WELL_FORMED + "Expected data manipulation"),
        ("SELECT * FROM {t} WHERE", NOT_WELL_FORMED + "Unexpected term"),
        (
            "SELECT * FROM {t} WHERE pk = 'p' foo",
            NOT_WELL_FORMED + "Unexpected token after expression",
        ),
        (
            "SELECT * FROM {t} WHERE pk = 'p')",
            NOT_WELL_FORMED + "Unexpected token after expression",
        ),
        (
            "SELECT * FROM {t} WHERE pk = 'p' AND",
            NOT_WELL_FORMED + "Missing right-hand side expression of infix operator",
        ),
        ("SELECT * FROM {t} WHERE ORDER BY pk", NOT_WELL_FORMED + "Unexpected keyword"),
        ("SELECT * FROM {t} WHERE pk = 'x' AND x IS FOO", NOT_WELL_FORMED + "Expected type name"),
        ("DELETE FROM WHERE pk = 'a'", NOT_WELL_FORMED + "Expected identifier for simple path"),
        ("SELECT * FROM {t} WHERE pk = 'it''s", NOT_WELL_FORMED),
        ("SELECT * FROM {t} WHERE pk = 1 # note", NOT_WELL_FORMED),
        ("SELECT * FROM {t} AS x WHERE pk = 'x'", "Aliasing is not supported"),
        (
            "SELECT * FROM {t} WHERE pk = ?",
            "Number of parameters in request and statement don't match.",
        ),
        (
            "SELECT * FROM {t} WHERE n = 1e126",
            "Number overflow. Attempting to store a number with "
            "magnitude larger than supported range under root",
        ),  # fmt: skip
        ("SELECT * FROM {t} WHERE nope(sk)", "Unrecognized function: nope at 1:{col}:4"),
    ],
)
def test_a_statement_dynamodb_cannot_read_is_refused_with_its_message(
    client: Any, table: str, statement: str, message: str
) -> None:
    text = statement.format(t=f'"{table}"')
    expected = message.format(col=text.find("nope") + 1)
    assert refusal(client.execute_statement, Statement=text) == (
        "ValidationException",
        expected,
        400,
    )


# -- what moto accepted and DynamoDB refuses -----------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize(
    ("operation", "member", "params"),
    [
        ("BatchExecuteStatement", "statements", {"Statements": []}),
        ("ExecuteTransaction", "transactStatements", {"TransactStatements": []}),
    ],
)
def test_an_empty_statement_list_is_refused(
    raw: Any, operation: str, member: str, params: dict[str, Any]
) -> None:
    raw_refused(
        raw,
        operation,
        params,
        "ValidationException",
        f"1 validation error detected: Value '[]' at '{member}' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    )


@pytest.mark.server
def test_an_empty_statement_is_refused(raw: Any) -> None:
    raw_refused(
        raw,
        "ExecuteStatement",
        {"Statement": ""},
        "ValidationException",
        "1 validation error detected: Value '' at 'statement' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    )


@pytest.mark.server
def test_insert_over_an_existing_item_is_refused_and_changes_nothing(
    client: Any, table: str
) -> None:
    assert refusal(
        client.execute_statement,
        Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'p', 'sk': 's0', 'n': 99}}",
    ) == ("DuplicateItemException", "Duplicate primary key exists in table", 400)
    assert _stored(client, table, "p", "s0")["n"] == {"N": "0"}  # type: ignore[index]


@pytest.mark.server
def test_a_batch_answers_a_duplicate_insert_with_an_error_of_its_own(
    client: Any, table: str
) -> None:
    answer = client.batch_execute_statement(
        Statements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'p', 'sk': 's1'}}"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'p', 'sk': 'new'}}"},
            {"Statement": f"SLECT * FROM \"{table}\" WHERE pk = 'p'"},
        ]
    )
    duplicate, inserted, malformed = answer["Responses"]
    assert duplicate == {
        "TableName": table,
        "Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
    }
    assert inserted == {"TableName": table}
    assert malformed == {
        "Error": {
            "Code": "ValidationError",
            "Message": NOT_WELL_FORMED + "Expected data manipulation",
        }
    }
    assert _stored(client, table, "p", "new") is not None  # the batch's other write ran


@pytest.mark.server
def test_a_transaction_naming_one_item_twice_is_refused(client: Any, table: str) -> None:
    insert = {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'z', 'sk': 'z'}}"}
    assert refusal(client.execute_transaction, TransactStatements=[insert, insert]) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
        400,
    )
    assert _stored(client, table, "z", "z") is None


@pytest.mark.server
def test_a_transaction_inserting_an_existing_item_is_cancelled_whole(
    client: Any, table: str
) -> None:
    statements = [
        {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'new', 'sk': 'one'}}"},
        {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'p', 'sk': 's2'}}"},
    ]
    error = refused(
        lambda: client.execute_transaction(TransactStatements=statements),
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, DuplicateItem]",
        "TransactionCanceledException",
    )
    assert error["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
    ]
    assert _stored(client, table, "new", "one") is None  # all or nothing


@pytest.mark.server
def test_a_transaction_member_dynamodb_cannot_read_names_its_index(client: Any, table: str) -> None:
    statements = [
        {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'p' AND sk = 's0'"},
        {"Statement": f'SELECT * FROM "{table}" WHERE'},
    ]
    assert refusal(client.execute_transaction, TransactStatements=statements) == (
        "ValidationException",
        f"Validation failed in TransactStatements[1]: {NOT_WELL_FORMED}Unexpected term",
        400,
    )


@pytest.mark.server
def test_update_and_delete_must_name_one_item(client: Any, table: str) -> None:
    for statement in (
        f"UPDATE \"{table}\" SET n = 1 WHERE pk = 'p'",
        f'DELETE FROM "{table}" WHERE n = 5',
    ):
        assert refusal(client.execute_statement, Statement=statement) == (
            "ValidationException",
            "Where clause does not contain a mandatory equality on all key attributes",
            400,
        )


# -- what moto answered wrongly ------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("begins_with(sk, 's')", ["s0", "s1", "s2"]),
        ("begins_with(\"sk\", 's1')", ["s1"]),
        ("begins_with(sk, 'x')", []),
        ("NOT begins_with(sk, 's1')", ["s0", "s2"]),
        ('contains("a"."b", \'2\')', ["s2"]),
        ('"a"."b" = \'x1\'', ["s1"]),
        ("a.b = 'x0'", ["s0"]),
        ("\"l\"[0] = 'e2'", ["s2"]),
        ("attribute_exists(g) AND attribute_not_exists(a.c)", ["s0", "s2"]),
        ("g IS MISSING", ["s1"]),
        ("sk IN ['s0', 's2']", ["s0", "s2"]),
    ],
)
def test_select_conditions_are_evaluated_as_dynamodb_does(
    client: Any, table: str, where: str, expected: list[str]
) -> None:
    answer = client.execute_statement(Statement=f'SELECT * FROM "{table}" WHERE {where}')
    assert sorted(_keys(answer["Items"])) == expected


@pytest.mark.server
def test_select_projects_nested_paths_under_their_leaf_names(client: Any, table: str) -> None:
    answer = client.execute_statement(
        Statement=f'SELECT sk, "a"."b", "l"[0] FROM "{table}" WHERE pk = \'p\' AND sk = \'s1\''
    )
    assert answer["Items"] == [{"sk": {"S": "s1"}, "b": {"S": "x1"}, "l[0]": {"S": "e1"}}]


@pytest.mark.server
def test_a_batch_of_selects_answers_one_item_per_statement(client: Any, table: str) -> None:
    answer = client.batch_execute_statement(
        Statements=[
            {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'p' AND sk = 's1'"},
            {
                "Statement": f'SELECT sk, n FROM "{table}" WHERE pk = ? AND sk = ?',
                "Parameters": [{"S": "p"}, {"S": "s2"}],
            },
            {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'p' AND sk = 'absent'"},
            {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'p'"},
        ]
    )
    first, second, absent, partial = answer["Responses"]
    assert first["TableName"] == table and first["Item"]["a"] == {"M": {"b": {"S": "x1"}}}
    assert second == {"TableName": table, "Item": {"sk": {"S": "s2"}, "n": {"N": "10"}}}
    assert absent == {"TableName": table}
    assert partial["Error"] == {
        "Code": "ValidationError",
        "Message": "Select statements within BatchExecuteStatement must specify the primary "
        "key in the where clause.",
    }


# -- valid statements, still answered right ------------------------------------------------


@pytest.mark.server
def test_a_partition_is_read_in_sort_key_order_and_in_pages(client: Any, table: str) -> None:
    statement = f"SELECT sk FROM \"{table}\" WHERE pk = 'p' ORDER BY sk DESC"
    first = client.execute_statement(Statement=statement, Limit=2)
    assert _keys(first["Items"]) == ["s2", "s1"]
    rest = client.execute_statement(Statement=statement, Limit=2, NextToken=first["NextToken"])
    assert _keys(rest["Items"]) == ["s0"] and "NextToken" not in rest


@pytest.mark.server
def test_select_on_an_index_answers_its_projection(client: Any, table: str) -> None:
    answer = client.execute_statement(Statement=f'SELECT * FROM "{table}"."by-g" WHERE g = \'G\'')
    assert sorted(answer["Items"], key=lambda i: i["sk"]["S"]) == [
        {"pk": {"S": "p"}, "sk": {"S": "s0"}, "g": {"S": "G"}},
        {"pk": {"S": "p"}, "sk": {"S": "s2"}, "g": {"S": "G"}},
    ]


@pytest.mark.server
def test_update_delete_and_returning(client: Any, table: str) -> None:
    updated = client.execute_statement(
        Statement=f"UPDATE \"{table}\" SET n = n + 1 SET tags = <<'a'>> REMOVE l "
        f"WHERE pk = 'p' AND sk = 's1' RETURNING MODIFIED NEW *"
    )
    assert updated["Items"] == [{"n": {"N": "6"}, "tags": {"SS": ["a"]}}]
    stored = _stored(client, table, "p", "s1")
    assert stored is not None and "l" not in stored and stored["n"] == {"N": "6"}
    assert refusal(
        client.execute_statement,
        Statement=f"DELETE FROM \"{table}\" WHERE pk = 'p' AND sk = 's1' AND n = 99",
    ) == ("ConditionalCheckFailedException", "The conditional request failed", 400)
    deleted = client.execute_statement(
        Statement=f"DELETE FROM \"{table}\" WHERE pk = 'p' AND sk = 's1' RETURNING ALL OLD *"
    )
    assert _keys(deleted["Items"]) == ["s1"] and _stored(client, table, "p", "s1") is None
    code, _, _ = refusal(
        client.execute_statement,
        Statement=f"UPDATE \"{table}\" SET n = 1 WHERE pk = 'p' AND sk = 's1'",
    )
    assert code == "ConditionalCheckFailedException"  # an UPDATE creates no item


@pytest.mark.server
def test_a_transaction_of_reads_and_one_of_writes(client: Any, table: str) -> None:
    reads = client.execute_transaction(
        TransactStatements=[
            {"Statement": f"SELECT sk FROM \"{table}\" WHERE pk = 'p' AND sk = 's0'"},
            {"Statement": f"SELECT sk FROM \"{table}\" WHERE pk = 'p' AND sk = 'absent'"},
        ]
    )
    assert reads["Responses"] == [{"Item": {"sk": {"S": "s0"}}}, {}]
    writes = client.execute_transaction(
        TransactStatements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 't', 'sk': '1'}}"},
            {"Statement": f"UPDATE \"{table}\" SET n = 7 WHERE pk = 'p' AND sk = 's0'"},
            {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'p' AND sk = 's2'"},
        ]
    )
    assert writes["Responses"] == []
    assert _stored(client, table, "t", "1") is not None
    assert _stored(client, table, "p", "s0")["n"] == {"N": "7"}  # type: ignore[index]
    assert _stored(client, table, "p", "s2") is None


@pytest.mark.server
def test_a_missing_table_is_not_found(client: Any) -> None:
    assert refusal(
        client.execute_statement, Statement="SELECT * FROM \"no-such-table\" WHERE pk = 'x'"
    ) == ("ResourceNotFoundException", "Requested resource not found", 400)


# -- the same rules for dynamo.send, on in-process moto -----------------------------------


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        (
            "ExecuteStatement",
            {"Statement": "SELEC * FROM t"},
            NOT_WELL_FORMED + "Expected data manipulation",
        ),
        (
            "ExecuteTransaction",
            {"TransactStatements": []},
            "1 validation error detected: Value '[]' at 'transactStatements' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1",
        ),
        (
            "BatchExecuteStatement",
            {"Statements": []},
            "1 validation error detected: Value '[]' at 'statements' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1",
        ),
    ],
)
def test_dynamo_send_refuses_before_sending(
    moto_engine: Any, operation: str, params: dict[str, Any], message: str
) -> None:
    from workbench.engine import dynamo

    with pytest.raises(RequestRejected) as caught:
        dynamo.send(moto_engine, Request(operation, params))
    assert (caught.value.error_code, caught.value.error_message) == ("ValidationException", message)


def test_in_process_moto_answers_as_the_server_does(moto_engine: Any) -> None:
    raw = moto_engine.client("dynamodb")
    name = create_table(raw, unique_table_name("pq"), [("pk", "S")])
    for pk in ("apple", "avocado", "banana"):
        raw.execute_statement(
            Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': ?}}", Parameters=[{"S": pk}]
        )
    answer = raw.execute_statement(
        Statement=f"SELECT pk FROM \"{name}\" WHERE begins_with(pk, 'a')"
    )
    assert sorted(i["pk"]["S"] for i in answer["Items"]) == ["apple", "avocado"]
    code, message, _ = refusal(
        raw.execute_statement, Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'apple'}}"
    )
    assert (code, message) == ("DuplicateItemException", "Duplicate primary key exists in table")
