"""PartiQL reads through an index, batch answers and transaction tokens, as DynamoDB answers
them, for any client (issue 18).

Each test runs on in-process moto and on the managed server over real HTTP (the ``engine``
fixture), with a raw boto3 client that bypasses ``dynamo.send``: the engine itself is under
test. The messages are DynamoDB's own (see workbench/model/partiql/reads.py and tokens.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import INVALID, KEYS_ONLY, create_table, index, refusal, unique_table_name

from workbench.model.partiql.syntax import StatementRefused
from workbench.model.partiql.tokens import Replays


@pytest.fixture
def client(engine: Any) -> Any:
    return engine.client("dynamodb")


@pytest.fixture
def table(client: Any) -> Iterator[str]:
    """pk + sk, a GSI on g projecting only ``kept``, an LSI on l projecting keys only; four
    items of partition p (s3 in no index), each with an attribute ``other`` no index holds."""
    kept = {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["kept"]}
    name = create_table(
        client,
        unique_table_name("pqi"),
        [("pk", "S"), ("sk", "S")],
        types={"g": "S", "l": "S"},
        GlobalSecondaryIndexes=[index("gsi", "g", projection=kept)],
        LocalSecondaryIndexes=[index("lsi", "pk", "l", projection=KEYS_ONLY)],
    )
    for i in range(4):
        indexed = {"g": {"S": "G"}, "l": {"S": f"l{i}"}, "kept": {"S": f"k{i}"}}
        client.put_item(
            TableName=name,
            Item={
                "pk": {"S": "p"},
                "sk": {"S": f"s{i}"},
                "other": {"S": f"o{i}"},
                **(indexed if i != 3 else {}),
            },
        )
    yield name
    client.delete_table(TableName=name)


def _sks(items: list[dict[str, Any]]) -> list[str]:
    return sorted(item["sk"]["S"] for item in items)


# -- the qualifier -------------------------------------------------------------------------


@pytest.mark.parametrize("qualifier", ["no-such-index", "{t}"])
def test_a_qualifier_naming_no_index_is_refused_without_the_name(
    client: Any, table: str, qualifier: str
) -> None:
    statement = f'SELECT * FROM "{table}"."{qualifier.format(t=table)}" WHERE pk = \'p\''
    assert refusal(client.execute_statement, Statement=statement) == (
        "ValidationException",
        "The table does not have the specified index",
        400,
    )


@pytest.mark.parametrize("target", ["{t}", "no-such-table"])
def test_an_insert_with_a_qualifier_is_refused_as_it_is_read(
    client: Any, table: str, target: str
) -> None:
    statement = (
        f"INSERT INTO \"{target.format(t=table)}\".\"no-such-index\" VALUE {{'pk': 'w', 'sk': 'w'}}"
    )
    assert refusal(client.execute_statement, Statement=statement) == (
        "ValidationException",
        "FROM clause may only contain a single table name",
        400,
    )


# -- what an index can serve ---------------------------------------------------------------


def test_a_gsi_refuses_to_select_what_it_does_not_project(client: Any, table: str) -> None:
    for where in ("g = 'G'", "kept = 'k1'"):  # keyed or not
        # Each attribute once, in the order named; a path into a projected one is projected.
        statement = f'SELECT sk, other, pk.x, l, other.y FROM "{table}"."gsi" WHERE {where}'
        assert refusal(client.execute_statement, Statement=statement) == (
            "ValidationException",
            INVALID + "Global secondary index gsi does not project [other, l]",
            400,
        )


def test_an_lsi_fetches_what_it_does_not_project_from_the_table(client: Any, table: str) -> None:
    answer = client.execute_statement(
        Statement=f'SELECT sk, other FROM "{table}"."lsi" WHERE pk = \'p\''
    )
    # s3 has no l, so the index does not hold it; the others come with the table's values.
    assert answer["Items"] == [{"sk": {"S": f"s{i}"}, "other": {"S": f"o{i}"}} for i in range(3)]
    star = client.execute_statement(Statement=f'SELECT * FROM "{table}"."lsi" WHERE pk = \'p\'')
    assert {tuple(sorted(item)) for item in star["Items"]} == {("l", "pk", "sk")}


@pytest.mark.parametrize(
    ("index", "where"),
    [
        ("gsi", "g = 'G' AND other = 'o1'"),
        ("gsi", "g IN ['G', 'H'] AND other IS MISSING"),
        ("gsi", "g = 'G' AND NOT begins_with(other, 'o')"),
        ("lsi", "pk = 'p' AND l BETWEEN 'l0' AND 'l9' AND other = 'o1'"),
    ],
)
def test_a_keyed_index_read_refuses_a_filter_on_what_it_does_not_project(
    client: Any, table: str, index: str, where: str
) -> None:
    statement = f'SELECT pk FROM "{table}"."{index}" WHERE {where}'
    assert refusal(client.execute_statement, Statement=statement) == (
        "ValidationException",
        INVALID + f"Secondary index {index} does not project one or more filter attributes: "
        "[other]",
        400,
    )


@pytest.mark.parametrize(
    ("index", "where", "expected"),
    [
        ("gsi", "other = 'o1'", []),  # the index's items lack it: nothing matches
        ("lsi", "other = 'o1'", []),
        ("gsi", "NOT other = 'o1'", ["s0", "s1", "s2"]),
        ("gsi", "(g = 'G' AND other = 'o1') OR kept = 'k2'", ["s2"]),
        ("gsi", "g = 'G' AND kept = 'k1'", ["s1"]),  # projected: a filter like any other
    ],
)
def test_an_unkeyed_index_read_filters_the_index_items(
    client: Any, table: str, index: str, where: str, expected: list[str]
) -> None:
    answer = client.execute_statement(Statement=f'SELECT sk FROM "{table}"."{index}" WHERE {where}')
    assert _sks(answer["Items"]) == expected


def test_limit_counts_the_items_read_not_those_kept(client: Any, table: str) -> None:
    statement = f"SELECT sk FROM \"{table}\" WHERE pk = 'p' AND sk <> 's0'"
    first = client.execute_statement(Statement=statement, Limit=1)
    assert first["Items"] == [] and "NextToken" in first  # s0 was read, and not kept
    rest = client.execute_statement(Statement=statement, Limit=3, NextToken=first["NextToken"])
    assert _sks(rest["Items"]) == ["s1", "s2", "s3"] and "NextToken" not in rest


def test_the_operand_type_is_refused_before_the_table_is_looked_up(client: Any) -> None:
    code, message, status = refusal(
        client.execute_statement,
        Statement='SELECT pk FROM "no-such-table" WHERE pk = ? AND n < ?',
        Parameters=[{"S": "x"}, {"BOOL": True}],
    )
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("Incorrect operand type for operator or function")


# -- batches and transactions --------------------------------------------------------------


def test_a_batch_member_names_its_table_only_if_it_ran(client: Any, table: str) -> None:
    answer = client.batch_execute_statement(
        Statements=[
            {"Statement": f"SELECT * FROM \"{table}\" WHERE other = 'o1'"},
            {"Statement": f"UPDATE \"{table}\" SET n = 1 WHERE pk = 'p' AND sk = 's1' AND n = 9"},
        ]
    )
    refused, failed = answer["Responses"]
    assert "TableName" not in refused and refused["Error"]["Code"] == "ValidationError"
    assert failed["TableName"] == table
    assert failed["Error"] == {
        "Code": "ConditionalCheckFailed",
        "Message": "The conditional request failed",
    }


def test_a_transaction_token_makes_it_once(client: Any, table: str) -> None:
    increment = [{"Statement": f"UPDATE \"{table}\" SET n = 1 WHERE pk = 'p' AND sk = 's0'"}]
    client.execute_transaction(ClientRequestToken="tok-1", TransactStatements=increment)
    client.execute_statement(Statement=f"UPDATE \"{table}\" SET n = 5 WHERE pk = 'p' AND sk = 's0'")
    replay = client.execute_transaction(ClientRequestToken="tok-1", TransactStatements=increment)
    assert replay["Responses"] == []
    item = client.get_item(
        TableName=table, Key={"pk": {"S": "p"}, "sk": {"S": "s0"}}, ConsistentRead=True
    )["Item"]
    assert item["n"] == {"N": "5"}  # the replay changed nothing
    other = [{"Statement": f"UPDATE \"{table}\" SET n = 2 WHERE pk = 'p' AND sk = 's0'"}]
    code, message, status = refusal(
        client.execute_transaction, ClientRequestToken="tok-1", TransactStatements=other
    )
    assert (code, status) == ("IdempotentParameterMismatchException", 400)
    assert "idempotent token that was already used" in message


def test_a_cancelled_transaction_does_not_hold_its_token(client: Any, table: str) -> None:
    insert = [{"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'p', 'sk': 's0'}}"}]
    code, _, _ = refusal(
        client.execute_transaction, ClientRequestToken="tok-2", TransactStatements=insert
    )
    assert code == "TransactionCanceledException"
    client.delete_item(TableName=table, Key={"pk": {"S": "p"}, "sk": {"S": "s0"}})
    client.execute_transaction(ClientRequestToken="tok-2", TransactStatements=insert)
    assert "Item" in client.get_item(TableName=table, Key={"pk": {"S": "p"}, "sk": {"S": "s0"}})


def test_a_token_is_honoured_for_ten_minutes() -> None:
    now = [0.0]
    replays = Replays(clock=lambda: now[0])
    made: list[int] = []

    def make() -> list[dict[str, Any]]:
        made.append(1)
        return [{"Item": {"n": {"N": str(len(made))}}}]

    statements = [{"Statement": "SELECT * FROM t WHERE pk = 'a'"}]
    assert replays.run("t1", statements, make) == ([{"Item": {"n": {"N": "1"}}}], False)
    now[0] = 599.0
    assert replays.run("t1", statements, make) == ([{"Item": {"n": {"N": "1"}}}], True)
    with pytest.raises(StatementRefused) as caught:
        replays.run("t1", [{"Statement": "SELECT * FROM t WHERE pk = 'b'"}], make)
    assert caught.value.error_code == "IdempotentParameterMismatchException"
    now[0] = 600.0
    assert replays.run("t1", statements, make) == ([{"Item": {"n": {"N": "2"}}}], False)
    assert replays.run(None, statements, make)[1] is False and len(made) == 3
