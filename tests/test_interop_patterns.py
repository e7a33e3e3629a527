"""Starter access patterns of imported NoSQL Workbench files (issue 19, findings 4 and 5 and
the data modeller's paragraph): GetItem for singletons, a Query per entity and index, one
Query per item collection; key attributes of any name DynamoDB allows; each pattern runs on
the loaded data, generated data included, and finds the entities it says it returns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import cli_load_and_run

from workbench.cli import cli
from workbench.design.interop import import_document, to_document
from workbench.design.modelfile import load_model, run_patterns
from workbench.design.sampledata import load
from workbench.errors import ModelError
from workbench.model.files import model_from_document

DATA = Path(__file__).parent / "data" / "nosql-workbench"
SHOP = DATA / "patterns-shop.json"  # singletons (PK = SK), an order's collection, GSI1-PK
SPARSE = DATA / "patterns-sparse.json"  # sparse GSI1-PK/GSI1-SK, a dotted N index key
EMPTY = DATA / "patterns-empty.json"  # no facets, no items (finding 5)
EMPTY_FACETS = DATA / "patterns-empty-facets.json"  # template aliases, no items
CORPUS = [SHOP, SPARSE, EMPTY, EMPTY_FACETS, DATA / "library-loans.json"]


def _document(path: Path, table: str | None = None) -> dict:
    """The file's JSON, its table renamed (a fresh table on the session's server)."""
    document = json.loads(path.read_text())
    if table:
        document["DataModel"][0]["TableName"] = table
    return document


def _shapes(model) -> list[tuple]:
    """Each pattern as what it sends and returns (names aside)."""
    return [
        (
            p.operation,
            p.index,
            p.sort_key.op if p.sort_key else None,
            p.sort_key.value if p.sort_key else None,
            tuple(p.returns),
        )
        for p in model.patterns
    ]


def _found(model, result: dict) -> set[str]:
    return {getattr(model.entity_for(item), "name", "(none)") for item in result["items"]}


@pytest.mark.server
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_every_starter_pattern_finds_the_entities_it_returns(
    path: Path, local_engine, table_name: str
) -> None:
    # Loaded into the managed server over HTTP (the file's items, or the sample data
    # generated for a file without items), every starter pattern's example reads a
    # partition holding exactly the entities its `returns` names: not only something.
    model = import_document(_document(path, table_name))
    assert model.patterns, path.name
    load(local_engine, model, table_name)
    results = run_patterns(local_engine, model, table_name=table_name)
    assert [r["pattern"] for r in results] == [p.name for p in model.patterns]
    for pattern, result in zip(model.patterns, results, strict=True):
        assert pattern.description.startswith("Starter")
        assert "(made on import)" in pattern.description
        assert _found(model, result) == set(pattern.returns), pattern.name
    # what each key condition reads is what it returns: the model's checks warn of nothing
    assert not [w for w in model.warnings if w[0].startswith("patterns.")]


def test_singletons_get_a_getitem_and_an_item_collection_one_query() -> None:
    # The modeller's paragraph: a customer and an order (PK = SK) are read with GetItem; an
    # order with its items, shipments and invoices is one Query with no sort-key condition.
    model = import_document(_document(SHOP))
    by_name = {p.name: p for p in model.patterns}
    gets = {p.returns[0]: p for p in model.patterns if p.operation == "GetItem"}
    assert sorted(gets) == ["Customer", "Order"]
    order = gets["Order"]
    assert order.sort_key.op == "=" and order.sort_key.value == order.partition_key
    assert order.dry_run("t").params["Key"] == {"PK": {"S": "o#5002"}, "SK": {"S": "o#5002"}}
    assert not any(
        p.operation == "Query" and p.returns == ("Customer",) and not p.index
        for p in model.patterns
    )  # no Query where GetItem is natural
    collections = [p for p in model.patterns if len(p.returns) > 1]
    table = [p for p in collections if p.index is None]
    assert [(p.sort_key, set(p.returns)) for p in table] == [
        (None, {"Order", "OrderItem", "Shipment", "Invoice"})
    ]
    # its example is the order that has all of them (the first order has items only)
    assert table[0].dry_run("t").params["ExpressionAttributeValues"] == {":PK": {"S": "o#5001"}}
    gsi = [p for p in collections if p.index == "GSI1"]
    assert [set(p.returns) for p in gsi] == [{"Customer", "Order"}]
    # each entity keeps its own Query, narrowed by its sort key's prefix
    items = next(p for p in model.patterns if p.returns == ("OrderItem",))
    assert (items.sort_key.op, items.sort_key.value) == ("begins_with", "i#")
    assert len(by_name) == len(model.patterns)
    # a constant sort key (PROFILE, DETAILS) is a singleton too
    library = load_model(DATA / "library-loans.json")
    gets = {p.returns[0]: p.sort_key.value for p in library.patterns if p.operation == "GetItem"}
    assert gets == {"Member": "PROFILE", "Book": "DETAILS"}
    member = next(p for p in library.patterns if set(p.returns) == {"Member", "Loan"})
    assert member.operation == "Query" and member.sort_key is None


def test_hyphen_and_dot_key_attributes_get_the_patterns_underscores_get() -> None:
    # Finding 4: GSI1-PK/GSI1-SK (sparse, so kept as plain attributes) and a dotted index key
    # (ticket.priority, on an index named with a dot elsewhere) get starter patterns, the
    # same ones GSI1_PK gets; the request names them through #placeholders.
    document = _document(SPARSE)
    hyphens = import_document(document)
    text = json.dumps(document).replace("GSI1-", "GSI1_").replace("ticket.priority", "priority")
    underscores = import_document(json.loads(text))
    assert _shapes(hyphens) == _shapes(underscores)
    on_gsi1 = [p for p in hyphens.patterns if p.index == "GSI1"]
    assert [p.returns for p in on_gsi1] == [("Ticket",)]
    request = on_gsi1[0].dry_run("t").params
    assert request["KeyConditionExpression"] == "#GSI1_PK = :GSI1_PK"
    assert request["ExpressionAttributeNames"] == {"#GSI1_PK": "GSI1-PK"}
    assert request["ExpressionAttributeValues"] == {":GSI1_PK": {"S": "alice"}}
    dotted = next(p for p in hyphens.patterns if p.index == "by-priority")
    request = dotted.dry_run("t").params
    assert request["ExpressionAttributeNames"] == {"#ticket_priority": "ticket.priority"}
    assert request["ExpressionAttributeValues"] == {":ticket_priority": {"N": "3"}}
    # a dotted index name and a dotted plain key on the shop's by.status index
    shop = import_document(_document(SHOP))
    status = next(p for p in shop.patterns if p.index == "by.status")
    assert status.dry_run("t").params["ExpressionAttributeNames"] == {
        "#order_status": "order.status"
    }


@pytest.mark.server
def test_keys_named_alike_but_for_punctuation_get_placeholders_of_their_own(
    local_engine, table_name: str
) -> None:
    # key-1 and key.1 both read as key_1 in a placeholder: each gets its own, and DynamoDB
    # (the managed server, over HTTP) finds the item by both.
    document = _document(SHOP, table_name)
    spec = document["DataModel"][0]
    text = json.dumps(spec).replace('"PK"', '"key-1"').replace('"SK"', '"key.1"')
    document["DataModel"][0] = json.loads(text)
    model = import_document(document)
    load(local_engine, model, table_name)
    get = model.pattern("get-Order")
    request = get.dry_run(table_name).params
    assert request["Key"] == {"key-1": {"S": "o#5002"}, "key.1": {"S": "o#5002"}}
    items = model.pattern("OrderItem-by-key-1").dry_run(table_name).params
    assert items["KeyConditionExpression"] == (
        "#key_1 = :key_1 AND begins_with(#key_1_, :key_1_sk)"
    )
    assert items["ExpressionAttributeNames"] == {"#key_1": "key-1", "#key_1_": "key.1"}
    runs = run_patterns(local_engine, model, table_name=table_name)
    for pattern, result in zip(model.patterns, runs, strict=True):
        assert _found(model, result) == set(pattern.returns), pattern.name


def test_an_index_no_entity_is_in_is_named_in_the_notes() -> None:
    # Never silent: an index that gets no starter pattern says why.
    document = _document(SPARSE)
    for facet in document["DataModel"][0]["TableFacets"]:
        for item in facet["TableData"]:
            item.pop("GSI1-SK", None)
    _doc, notes = to_document(document)
    assert any("keys of GSI1" in message for _path, message in notes)


@pytest.mark.parametrize("path", [EMPTY, EMPTY_FACETS], ids=lambda p: p.stem)
def test_a_file_without_items_gets_examples_from_the_data_model_load_makes(path: Path) -> None:
    # Finding 5: the examples are keys of the generated sample data (the note says so), and
    # an item collection's members are generated inside their lead's partitions.
    model = import_document(_document(path))
    assert all(p.example for p in model.patterns)
    assert any("the file has no items" in message for _path, message in model.warnings)
    for pattern in model.patterns:
        pattern.dry_run("t")  # every parameter is given
    if path == EMPTY_FACETS:
        task = model.entity("Task")
        assert task.attribute_specs[0].generate == {"ref": "Project.ProjectId"}
        kinds = {p.operation for p in model.patterns}
        assert kinds == {"GetItem", "Query"}


@pytest.mark.server
def test_cli_load_then_run_finds_items_in_a_file_without_items(
    local_server, tmp_path: Path, table_name: str
) -> None:
    # As a user would: `model load` (the file has no items, so it generates them) then
    # `model run` with every pattern's example.
    for path in (EMPTY, EMPTY_FACETS):
        name = f"{table_name}-{path.stem}"
        copy = tmp_path / path.name
        copy.write_text(json.dumps(_document(path, name)))
        model, ran = cli_load_and_run(copy, local_server.endpoint)
        for pattern, result in ran:
            assert _found(model, result) == set(pattern.returns), pattern.name


MODEL = {
    "format": 1,
    "table": {"name": "things", "partition_key": {"name": "pk", "type": "S"}},
    "entities": {
        "Thing": {"keys": {"pk": "T#{thing_id}"}, "attributes": {"thing_id": {"stored": False}}}
    },
    "patterns": [
        {
            "name": "get-thing",
            "operation": "GetItem",
            "partition_key": "T#{thing_id}",
            "returns": ["Thing"],
        },
    ],
}


def test_a_missing_parameter_names_the_pattern_and_how_to_give_it(tmp_path: Path) -> None:
    # Finding 5's message: which pattern, which parameter, how to give it, all it takes.
    model = model_from_document(MODEL)
    with pytest.raises(ModelError) as caught:
        model.builder.build("get-thing")
    message = str(caught.value)
    assert "'get-thing'" in message and "'thing_id'" in message
    assert "--param thing_id=VALUE" in message and "['thing_id']" in message
    path = tmp_path / "thing.json"
    path.write_text(json.dumps(MODEL))
    result = CliRunner().invoke(cli, ["model", "run", str(path), "get-thing", "--dry-run"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {message}"]
    assert "Traceback" not in result.output
