"""NoSQL Workbench import: entities and key templates, every guess named (issue 19, findings
2, 3 and 9).

The corpus files (``tests/data/nosql-workbench/entities-*.json``) are our own: a facets file
whose customer and order ids collide, a payments file whose sort-key alias names its fields,
two tables without facets, one naming its items' types in ``EntityType``, one telling
them apart only by key prefixes (with ``:`` and ``#``); and three files of facets without
items that nothing tells apart (``entities-empty-*.json``).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import cli_load_and_run

from workbench.cli import cli
from workbench.design.interop import import_document, to_document
from workbench.design.interop.nosql.templates import infer
from workbench.design.modelfile import load_model
from workbench.design.sampledata import generate
from workbench.errors import ModelError

DATA = Path(__file__).parent / "data" / "nosql-workbench"
SHOP = DATA / "entities-shop-facets.json"
PAYMENTS = DATA / "entities-payments-facets.json"
TYPED = DATA / "entities-typed-table.json"
PREFIXED = DATA / "entities-prefix-table.json"
# Facets with no items that nothing tells apart (the shape of AWS's music library): the same
# aliases; plain aliases over a partition key only, with an index one facet lists and one none
# lists; the same aliases over number keys.
EMPTY_SAME = DATA / "entities-empty-same-aliases.json"
EMPTY_PLAIN = DATA / "entities-empty-plain-aliases.json"
EMPTY_NUMBERS = DATA / "entities-empty-number-keys.json"
EMPTY = [EMPTY_SAME, EMPTY_PLAIN, EMPTY_NUMBERS]
CORPUS = [SHOP, PAYMENTS, TYPED, PREFIXED, *EMPTY]


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def _keys(model: Any, entity: str) -> dict[str, str]:
    return {attr: t.template for attr, t in model.entity(entity).all_keys.items()}


def _by_entity(model: Any, items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        out.setdefault(model.entity_for(item).name, []).append(item)
    return out


# -- finding 2: equal sample values do not make one field of two ------------------------------


def test_equal_ids_under_different_prefixes_stay_different_fields() -> None:
    # Customer 100 and order 100 look alike: GSI2-PK 'c#100' is the customer's, not the order's.
    model = import_document(_read(SHOP))
    assert _keys(model, "orderItem") == {
        "PK": "o#{o_id}",
        "SK": "p#{p_id}",
        "GSI1-PK": "p#{p_id}",  # the same prefix and values as SK's: one field
        "GSI2-PK": "c#{c_id}",
        "GSI2-SK": "p#{gsi2_sk_value}",
    }
    assert _keys(model, "invoice")["GSI2-PK"] == "c#{c_id}"
    assert _keys(model, "order")["GSI2-PK"] == "c#{c_id}"
    assert _keys(model, "invoice")["GSI1-PK"] == _keys(model, "invoice")["SK"] == "i#{i_id}"
    # the reading passed over is named, with the template that would take it
    notes = dict(model.warnings)
    note = notes["DataModel[0].TableFacets[3].TableData[*]['GSI2-PK']"]
    assert "same values as o_id" in note and "'100'" in note and "'c#{o_id}'" in note
    assert "entities.orderItem.keys.GSI2-PK" in note


def test_generated_order_items_sit_under_their_order_and_its_customer() -> None:
    model = import_document(_read(SHOP))
    items = _by_entity(model, generate(model, seed=5, count=3))
    customers = {i["PK"] for i in items["customer"]}
    orders = {i["PK"]: i for i in items["order"]}
    assert items["orderItem"] and items["invoice"]
    for line in items["orderItem"] + items["invoice"]:
        assert line["PK"] in orders  # under an order made for the data
        assert line["GSI2-PK"] in customers  # and a customer's id, not the order's
        assert line["GSI2-PK"] == orders[line["PK"]]["GSI2-PK"]  # that order's customer
        assert line["GSI2-PK"].split("#")[1] != line["PK"].split("#")[1]


def test_a_sort_key_alias_names_the_fields_of_the_key_in_order() -> None:
    # SortKeyAlias 'SubId#SKU': the first field is the subscription's id, although its sample
    # values equal the stored AccountId's.
    model = import_document(_read(PAYMENTS))
    assert _keys(model, "Subscription") == {"PK": "ACC#{AccountId}", "SK": "SUB#{SubId}#SKU#{SKU}"}
    assert model.entity("Subscription").keys["SK"].parse("SUB#7#SKU#pro") == {
        "SubId": "7",
        "SKU": "pro",
    }
    (note,) = [m for p, m in model.warnings if p == "DataModel[0].TableFacets[1].TableData[*].SK"]
    assert "SortKeyAlias 'SubId#SKU'" in note and "'SUB#{AccountId}#SKU#{SKU}'" in note


@pytest.mark.parametrize(
    ("alias", "name", "same"),
    [
        ("BookIsbn", "Isbn", True),
        ("OrderId", "o_id", True),
        ("MemberId", "MemberId", True),
        ("SubId", "AccountId", False),
        ("SKU", "Monthly", False),
    ],
)
def test_an_alias_and_a_field_name_are_alike_when_one_names_the_other(
    alias: str, name: str, same: bool
) -> None:
    from workbench.design.interop.nosql.naming import alike

    assert alike(alias, name) is same


@pytest.mark.parametrize(
    ("tag", "name", "same"),
    [("c", "c_id", True), ("c", "CustomerId", True), ("MEMBER", "MemberId", True)]
    + [("o", "c_id", False), ("BOOK", "Year", False)],
)
def test_a_prefix_supports_the_field_it_announces(tag: str, name: str, same: bool) -> None:
    from workbench.design.interop.nosql.naming import supports

    assert supports(tag, name) is same


# -- finding 3: a table without facets is split into entities ----------------------------------


def test_an_entity_type_attribute_splits_a_table_without_facets() -> None:
    model = import_document(_read(TYPED))
    assert [e.name for e in model.entities] == [
        "customer",
        "product",
        "order",
        "orderItem",
        "invoice",
    ]
    assert model.entity("order").type_attribute == ("EntityType", "order")
    assert [len(e.samples) for e in model.entities] == [2, 2, 2, 3, 1]
    assert _keys(model, "order") == {"PK": "o#{o_id}", "SK": "c#{c_id}"}
    assert _keys(model, "orderItem") == {"PK": "o#{o_id}", "SK": "p#{p_id}", "GSI1-PK": "p#{p_id}"}
    notes = dict(model.warnings)
    how = notes["DataModel[0].TableData[*].EntityType"]
    assert "5 entities" in how and "orderItem 3" in how and "--entity-attribute NAME" in how
    assert not [m for m in notes.values() if "show no prefix" in m]


def test_key_prefixes_split_a_table_with_no_type_attribute() -> None:
    model = import_document(_read(PREFIXED))
    assert {e.name: _keys(model, e.name) for e in model.entities} == {
        "User": {"pk": "User:{user_id}", "sk": "User:{user_id}"},
        "Order": {"pk": "User:{user_id}", "sk": "ORDER#{order_id}"},
        "Team": {"pk": "TEAM#{team_id}", "sk": "METADATA"},
    }
    assert [s["user_id"] for s in model.entity("User").samples] == ["UserA", "UserB"]
    assert [s["order_id"] for s in model.entity("Order").samples] == ["1", "2", "3"]
    how = dict(model.warnings)["DataModel[0].TableData[*]"]
    assert "key prefixes" in how and "Order (pk 'User:', sk 'ORDER#')" in how
    assert "--entity-attribute NAME" in how
    assert not [m for _, m in model.warnings if "show no prefix" in m]


def test_generated_items_of_a_split_table_sit_under_their_owners() -> None:
    typed = import_document(_read(TYPED))
    items = _by_entity(typed, generate(typed, seed=2, count=3))
    customers = {i["PK"] for i in items["customer"]}
    orders = {i["PK"] for i in items["order"]}
    assert items["orderItem"] and {i["SK"] for i in items["order"]} <= customers
    assert {i["PK"] for i in items["orderItem"]} <= orders
    social = import_document(_read(PREFIXED))
    items = _by_entity(social, generate(social, seed=2, count=3))
    assert items["Order"] and {i["pk"] for i in items["Order"]} <= {i["pk"] for i in items["User"]}


def test_the_samples_load_and_each_item_is_read_back_as_its_entity(
    moto_engine: Any, table_name: str
) -> None:
    from workbench.design.sampledata import load
    from workbench.engine.dynamo import send
    from workbench.model.items import from_items
    from workbench.model.requests import Request

    model = import_document(_read(TYPED))
    assert load(moto_engine, model, table_name).written == 10
    scanned = from_items(send(moto_engine, Request("Scan", {"TableName": table_name}))["Items"])
    assert sorted((model.entity_for(i).name, i["EntityType"]) for i in scanned) == sorted(
        (i["EntityType"]["S"],) * 2 for i in _read(TYPED)["DataModel"][0]["TableData"]
    )


def test_the_entity_attribute_is_named_with_an_option(tmp_path: Path) -> None:
    out = tmp_path / "social.yaml"
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["model", "import", str(PREFIXED), "--entity-attribute", "recordClass", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "# check: DataModel[0].TableData[*].recordClass: " in out.read_text()
    model = load_model(out)
    assert [e.name for e in model.entities] == ["Person", "Purchase", "Group"]
    assert model.entity("Purchase").type_attribute == ("recordClass", "Purchase")
    assert _keys(model, "Purchase") == {"pk": "User:{user_id}", "sk": "ORDER#{order_id}"}
    same = import_document(_read(PREFIXED), entity_attribute="recordClass")  # the library's
    assert [e.name for e in same.entities] == ["Person", "Purchase", "Group"]
    assert runner.invoke(cli, ["model", "check", str(out)]).exit_code == 0
    # '' asks for no attribute: a detected EntityType is overruled, the prefixes tell
    by_prefix = import_document(_read(TYPED), entity_attribute="")
    assert len(by_prefix.entities) == 5 and not by_prefix.entities[0].type_attribute
    assert _keys(by_prefix, "OC") == {"PK": "o#{o_id}", "SK": "c#{c_id}"}


def test_an_entity_attribute_no_item_carries_is_refused_in_one_line() -> None:
    result = CliRunner().invoke(
        cli, ["model", "import", str(PREFIXED), "--entity-attribute", "Kind"]
    )
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "entity attribute 'Kind': no item of table 'social' carries it" in result.output
    assert "'recordClass'" in result.output  # what the items do carry
    with pytest.raises(ModelError, match="do not all carry it"):
        import_document(_read(SHOP), entity_attribute="Name")  # facets: orders have no Name


def test_a_type_attribute_only_some_items_carry_is_not_taken() -> None:
    from workbench.design.interop.nosql.split import detect

    items = [{"pk": "A#1", "Type": "Express"}, {"pk": "B#2"}, {"pk": "B#3"}]
    assert detect(items, {"pk"}) == (None, ["'Type' is carried by 1 of 3 items"])
    assert detect([{"pk": "A#1", "_type": "a"}, {"pk": "B#1", "_type": "b"}], {"pk"})[0] == "_type"


def test_prefixes_that_do_not_tell_the_items_apart_give_one_entity() -> None:
    # A sort key without prefix ('2026-01-05') could be 'PROFILE': entities split by these
    # prefixes could not be told apart, so the table stays one entity, and the note says
    # what the values show.
    document = _read(PREFIXED)
    table = document["DataModel"][0]
    table["TableData"] = [
        {"pk": {"S": "USER#ana"}, "sk": {"S": "PROFILE"}, "Name": {"S": "Ana"}},
        {"pk": {"S": "USER#ana"}, "sk": {"S": "2026-01-05"}, "Steps": {"N": "10"}},
    ]
    model = import_document(document)
    (entity,) = model.entities
    assert (entity.name, _keys(model, "social")) == (
        "social",
        {"pk": "USER#{user_id}", "sk": "{sk_value}"},
    )
    notes = [m for p, m in model.warnings if p.startswith("DataModel[0].TableData")]
    assert any("cannot tell apart" in m for m in notes)
    assert any("do not all start with a prefix ('PROFILE')" in m for m in notes)
    assert not any("show no prefix" in m or "split into" in m for m in notes)


def test_the_no_prefix_note_is_said_only_when_true() -> None:
    document = _read(TYPED)
    data = document["DataModel"][0]["TableData"]
    for n, sk in enumerate(["NOTE#1", "MEMO#2"]):
        data.append({"PK": {"S": "o#100"}, "SK": {"S": sk}, "EntityType": {"S": "remark"}})
        data.append(
            {"PK": {"S": f"day-{n}"}, "SK": {"S": f"2026-11-0{n + 1}"}, "EntityType": {"S": "day"}}
        )
    notes = dict(to_document(document)[1])
    remark = notes["DataModel[0].TableData[10,12].SK"]
    assert "start with different prefixes ('NOTE#', 'MEMO#')" in remark
    assert "show no prefix" in notes["DataModel[0].TableData[11,13].PK"]


@pytest.mark.parametrize(
    ("values", "template"),
    [
        (["User:UserA"], "User:{f}"),  # ':' separates, and one sample's id stays a field
        (["User:UserA", "User:UserB"], "User:{f}"),
        (["USER#ana#PROFILE"], "USER#ana#PROFILE"),  # a constant stays one (as before)
        (["2026-01-05T10:00:00", "2026-01-06T11:30:00"], "{f}"),  # a time's colons do not
        (["c#2026-01-05T10:00:00", "c#2026-02-01T08:00:00"], "c#{f}"),
        (["ORDER:7:LINE:1", "ORDER:7:LINE:2"], "ORDER:7:LINE:{f}"),
    ],
)
def test_colon_is_a_separator_except_in_a_time(values: list[str], template: str) -> None:
    inferred = infer(values, lambda column, literal: "f")
    assert inferred is not None and inferred.template == template


# -- every file: the YAML loads and checks; finding 9: note paths are JSON paths ---------------


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_the_imported_yaml_loads_and_checks(path: Path, tmp_path: Path) -> None:
    out = tmp_path / f"{path.stem}.yaml"
    runner = CliRunner()
    result = runner.invoke(cli, ["model", "import", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(cli, ["model", "check", str(out)])
    assert checked.exit_code == 0, checked.output
    assert load_model(out) == load_model(path)
    # every note is printed, and heads the YAML
    header = [line.removeprefix("# check: ") for line in out.read_text().splitlines()]
    for line in [ln for ln in result.output.splitlines() if ln.startswith("check: ")]:
        assert line.removeprefix("check: ") in header


_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\*|[0-9,]+|'[^']*'|\"[^\"]*\")\]")


def _resolve(document: Any, path: str) -> list[Any]:
    """The nodes ``path`` (``DataModel[0].TableData[0,2]['GSI1-PK']``) names in ``document``;
    a last member that is missing counts as found (a note may say it is missing)."""
    nodes, rest = [document], "." + path
    steps = list(_STEP.finditer(rest))
    assert "".join(m.group(0) for m in steps) == rest, f"{path!r} is not a JSON path"
    for n, step in enumerate(steps):
        name, index = step.group(1), step.group(2)
        last = n == len(steps) - 1
        found = []
        for node in nodes:
            if name is not None or (index and index[0] in "'\""):
                key = name if name is not None else index[1:-1]
                if isinstance(node, dict) and key in node:
                    found.append(node[key])
                elif last and isinstance(node, dict):
                    found.append(None)
            elif index == "*":
                found.extend(node if isinstance(node, list) else [])
            else:
                numbers = [int(i) for i in index.split(",")]
                if isinstance(node, list) and all(i < len(node) for i in numbers):
                    found.extend(node[i] for i in numbers)
        nodes = found
    return nodes


@pytest.mark.parametrize(
    "path", [*CORPUS, DATA / "leaderboard-v1-noversion.json"], ids=lambda p: p.stem
)
def test_every_note_names_a_json_path_into_the_file(path: Path) -> None:
    document = _read(path)
    notes = to_document(document)[1]
    assert notes
    for where, message in notes:
        assert _resolve(document, where), f"{where!r} names nothing in {path.name}: {message}"


def test_notes_of_a_split_table_name_the_rows_of_each_entity() -> None:
    document = _read(TYPED)
    notes = dict(to_document(copy.deepcopy(document))[1])
    rows = _resolve(document, "DataModel[0].TableData[6,7,8]")
    assert {r["EntityType"]["S"] for r in rows} == {"orderItem"}
    assert "orderItem" in notes["DataModel[0].TableData[6,7,8]"]


# -- facets without items that nothing tells apart: a prefix each, named ---------------------


def test_facets_with_the_same_aliases_and_no_items_get_a_sort_key_prefix_each() -> None:
    # AWS's music library shape: SongDetails and Downloads, both SongId/Metadata, no items.
    model = import_document(_read(EMPTY_SAME))
    details, ratings = _keys(model, "RecipeDetails"), _keys(model, "Ratings")
    assert details == {"Id": "{recipeid}", "Info": "RecipeDetails#{info}"}
    assert ratings == {"Id": "{recipeid}", "Info": "Ratings#{info}"}
    notes = dict(model.warnings)
    said = notes["DataModel[0].TableFacets[1].KeyAttributeAlias.SortKeyAlias"]
    assert "'Ratings#{info}'" in said and "apart from RecipeDetails" in said
    assert "edit entities.Ratings.keys.Info in the YAML" in said
    # the note that assumed '{info}' is replaced, not repeated
    assert not [m for m in notes.values() if "'{info}' assumed" in m]
    # the two share the partition key: one item collection, as the aliases say
    items = _by_entity(model, generate(model, seed=1, count=3))
    assert {i["Id"] for i in items["Ratings"]} <= {i["Id"] for i in items["RecipeDetails"]}


def test_plain_aliases_without_a_sort_key_get_a_partition_key_prefix_each() -> None:
    model = import_document(_read(EMPTY_PLAIN))
    assert [_keys(model, n)["PK"] for n in ("Customer", "Address", "Invoice")] == [
        "Customer#{customerid}",
        "Address#{customerid}",
        "Invoice#{invoiceid}",
    ]
    notes = dict(model.warnings)
    said = notes["DataModel[0].TableFacets[2].KeyAttributeAlias.PartitionKeyAlias"]
    assert "apart from Customer and Address" in said and "entities.Invoice.keys.PK" in said
    # without its indexes the table gets GetItems only, and the note says no "0 Queries"
    document = _read(EMPTY_PLAIN)
    del document["DataModel"][0]["GlobalSecondaryIndexes"]
    model = import_document(document)
    assert {p.operation for p in model.patterns} == {"GetItem"}
    made = [m for _, m in model.warnings if "starter" in m and "made" in m]
    assert made == [
        "the file has no access patterns: 3 starter GetItems made (one per "
        "singleton); edit them to your own"
    ]


def test_index_keys_of_facets_without_items_are_carried_and_named() -> None:
    model = import_document(_read(EMPTY_PLAIN))
    # Email: listed by the Customer facet only; status-key: listed by none, so every entity
    # without items carries it (the index would stay empty otherwise).
    carriers = {
        attr: [e.name for e in model.entities if attr in e.attributes]
        for attr in ("Email", "status-key")
    }
    assert carriers == {"Email": ["Customer"], "status-key": ["Customer", "Address", "Invoice"]}
    notes = dict(model.warnings)
    listed = notes["DataModel[0].TableFacets[0].NonKeyAttributes"]
    assert "'Email'" in listed and "entities.Customer.keys" in listed
    unlisted = notes["DataModel[0].GlobalSecondaryIndexes[1].KeyAttributes.PartitionKey"]
    assert "'status-key'" in unlisted and "'by-status'" in unlisted
    item = model.entity("Invoice").item(invoiceid="7", Total=3, **{"status-key": "open"})
    assert item["status-key"] == "open"


def test_number_keys_that_cannot_hold_a_prefix_get_a_type_attribute() -> None:
    model = import_document(_read(EMPTY_NUMBERS))
    assert [(e.name, e.type_attribute) for e in model.entities] == [
        ("Temperature", ("EntityType", "Temperature")),
        ("Humidity", ("EntityType", "Humidity")),
    ]
    assert _keys(model, "Humidity") == {"Sensor": "{sensorid}", "Seq": "{seq}"}
    said = dict(model.warnings)["DataModel[0].TableFacets[1]"]
    assert "EntityType: 'Humidity'" in said and "entities.Humidity.type_attribute" in said


def test_facets_with_items_or_template_aliases_are_left_as_written() -> None:
    # Only keys that were assumed get a prefix: a facet whose items show its keys keeps them.
    document = _read(EMPTY_SAME)
    table = document["DataModel"][0]
    table["TableFacets"][0]["TableData"] = [
        {"Id": {"S": "r1"}, "Info": {"S": "DETAILS"}, "Title": {"S": "Soup"}},
    ]
    model = import_document(document)
    assert _keys(model, "RecipeDetails") == {"Id": "{RecipeId}", "Info": "DETAILS"}
    assert _keys(model, "Ratings") == {"Id": "{recipeid}", "Info": "Ratings#{info}"}
    # two facets whose template aliases collide are the author's: refused, naming them
    for facet in table["TableFacets"]:
        facet.pop("TableData", None)
        facet["KeyAttributeAlias"] = {"PartitionKeyAlias": "R#{r}", "SortKeyAlias": "{info}"}
    with pytest.raises(ModelError, match="cannot be told apart"):
        import_document(document)


@pytest.mark.server
@pytest.mark.parametrize("path", EMPTY, ids=lambda p: p.stem)
def test_check_load_then_run_finds_items_for_every_starter_pattern(
    path: Path, local_server: Any, tmp_path: Path, table_name: str
) -> None:
    # As a user would, on the file itself: `model check`, `model load` (it generates the
    # data), then `model run` with every starter pattern's example.
    document = _read(path)
    document["DataModel"][0]["TableName"] = f"{table_name}-{path.stem[-6:]}"
    copy = tmp_path / path.name
    copy.write_text(json.dumps(document))
    checked = CliRunner().invoke(cli, ["model", "check", str(copy)])
    assert checked.exit_code == 0, checked.output
    model, ran = cli_load_and_run(copy, local_server.endpoint)
    for pattern, result in ran:
        found = {model.entity_for(item).name for item in result["items"]}
        assert found and found <= set(pattern.returns), pattern.name
