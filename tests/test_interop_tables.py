"""NoSQL Workbench files of several tables, and round trips that keep what the author wrote
(issue 19, findings 6 and 8).

``--table NAME`` means "the table NAME" in every ``workbench model`` command; export writes
several tables back into one file; import then export keeps the model's name, author, dates,
description, the facets' key aliases, declared attributes no item carries, and each item once.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import nosql_declared, nosql_items, unique_table_name

from workbench.cli import cli
from workbench.design.interop import cloudformation as cfn
from workbench.design.interop.files import export_file, import_file
from workbench.design.interop.nosql.export import generated_items, model_items, to_nosql_workbench
from workbench.design.interop.nosql.importer import to_document
from workbench.design.modelfile import load_model
from workbench.errors import ModelError
from workbench.model.files import model_from_document
from workbench.model.problems import ModelProblems

DATA = Path(__file__).parent / "data" / "nosql-workbench"
THREE = DATA / "tables-three.json"
V1 = DATA / "tables-v1.json"
AUTHORED = DATA / "tables-authored.json"
MODELS = Path(__file__).parent.parent / "models"
TABLES = ["shop-orders", "shop-stock", "shop-audit"]


def _json(path: Path) -> dict:
    return json.loads(path.read_text())


def _facets(table: dict) -> dict[str, dict]:
    """Facet name -> what the author wrote of it: aliases, listed attributes, items."""
    return {
        f["FacetName"]: {
            "aliases": f["KeyAttributeAlias"],
            "attributes": sorted(f["NonKeyAttributes"]),
            "items": Counter(json.dumps(i, sort_keys=True) for i in f["TableData"]),
        }
        for f in table.get("TableFacets") or []
    }


def _renamed_copy(source: Path, folder: Path) -> tuple[Path, dict[str, str]]:
    """``source`` with each table given a name no other test uses (for tables created)."""
    document = _json(source)
    names = {}
    for table in document["DataModel"]:
        names[table["TableName"]] = unique_table_name(table["TableName"])
        table["TableName"] = names[table["TableName"]]
    path = folder / source.name
    path.write_text(json.dumps(document))
    return path, names


def _one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output, result.output
    return result.output


# -- finding 6: --table means "the table NAME" ---------------------------------------------


def test_the_library_picks_a_table_of_several_and_names_them_otherwise() -> None:
    with pytest.raises(ModelError) as caught:
        load_model(THREE)
    assert str(caught.value) == (
        f"model file {str(THREE)!r} holds 3 tables {TABLES}: choose one with --table NAME"
    )
    with pytest.raises(ModelError, match=r"has no table 'shop-stok'; its tables: \['shop-orders'"):
        load_model(THREE, "shop-stok")
    stock = load_model(THREE, "shop-stock")
    assert stock.table.name == "shop-stock" and stock.table.key_names == ("sku",)
    assert load_model(THREE, table="shop-audit").table.key_names == ("Day", "At")


def test_the_one_table_of_a_file_is_that_table_under_the_name_given(tmp_path: Path) -> None:
    # import writes it under the name; the other commands create and query it under it.
    text, notes = import_file(V1, "my-tasks")
    assert yaml.safe_load(text)["table"]["name"] == "my-tasks"
    assert (
        "DataModel[0].TableName",
        "the file's one table 'tasks' is imported as 'my-tasks' (--table)",
    ) in notes
    assert load_model(V1, "my-tasks").table.name == "my-tasks"


COMMANDS = {
    "import": ["model", "import", "{file}"],
    "check": ["model", "check", "{file}"],
    "load": ["model", "load", "{file}", "--engine", "moto"],
    "run": ["model", "run", "{file}", "--dry-run"],
    "report": ["model", "report", "{file}", "-o", "{out}"],
    "cost": ["model", "cost", "{file}"],
    "drift": ["model", "drift", "{file}", "--against", "moto", "--engine", "moto"],
}


def _argv(name: str, file: Path, out: Path, *extra: str) -> list[str]:
    return [a.format(file=file, out=out) for a in COMMANDS[name]] + list(extra)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_needing_one_table_names_the_tables_and_the_option(
    name: str, tmp_path: Path, moto_engine
) -> None:
    result = CliRunner().invoke(cli, _argv(name, THREE, tmp_path))
    assert f"holds 3 tables {TABLES}: choose one with --table NAME" in _one_line_error(result)


@pytest.mark.parametrize("name", [*COMMANDS, "export"])
def test_every_command_names_a_table_the_file_does_not_hold(
    name: str, tmp_path: Path, moto_engine
) -> None:
    argv = (
        ["model", "export", str(THREE), "--format", "nosql-workbench"]
        if name == "export"
        else _argv(name, THREE, tmp_path)
    )
    result = CliRunner().invoke(cli, [*argv, "--table", "shop-stok"])
    output = _one_line_error(result)
    assert f"has no table 'shop-stok'; its tables: {TABLES} (--table NAME)" in output


def test_check_and_import_take_the_table(tmp_path: Path) -> None:
    runner = CliRunner()
    checked = runner.invoke(cli, ["model", "check", str(THREE), "--table", "shop-orders"])
    assert checked.exit_code == 0 and checked.output.startswith("ok: 2 entities"), checked.output
    out = tmp_path / "audit.yaml"
    imported = runner.invoke(
        cli, ["model", "import", str(THREE), "--table", "shop-audit", "-o", str(out)]
    )
    assert imported.exit_code == 0, imported.output
    document = yaml.safe_load(out.read_text())
    assert document["table"]["name"] == "shop-audit" and list(document["entities"]) == ["Event"]


def test_load_and_run_create_and_query_the_table_chosen(tmp_path: Path, moto_engine) -> None:
    path, names = _renamed_copy(THREE, tmp_path)
    orders, stock = names["shop-orders"], names["shop-stock"]
    runner = CliRunner()
    for table, count in ((orders, 5), (stock, 2)):
        loaded = runner.invoke(
            cli, ["model", "load", str(path), "--table", table, "--engine", "moto"]
        )
        assert loaded.exit_code == 0, loaded.output
        assert loaded.output.startswith(f"loaded {count} items"), loaded.output
    client = moto_engine.client()
    assert {orders, stock} <= set(client.list_tables()["TableNames"])
    assert names["shop-audit"] not in client.list_tables()["TableNames"]
    keys = {i["sku"]["S"] for i in client.scan(TableName=stock)["Items"]}
    assert keys == {"SKU#a-1", "SKU#b-2"}
    ran = runner.invoke(
        cli, ["model", "run", str(path), "--table", orders, "--engine", "moto", "--json"]
    )
    assert ran.exit_code == 0, ran.output
    results = json.loads(ran.output)
    assert results and all(r["request"]["TableName"] == orders for r in results)
    returned = [i for r in results for i in r["items"]]
    assert returned and {i["PK"] for i in returned} <= {"CUST#c-1", "CUST#c-2"}


def test_cost_and_drift_take_the_table(tmp_path: Path, moto_engine) -> None:
    model = load_model(THREE, "shop-orders")
    profile = {
        "format": 1,
        "patterns": {p.name: {"average": 1} for p in model.patterns},
    }
    (tmp_path / "tables-three.traffic.yaml").write_text(yaml.safe_dump(profile))
    path = tmp_path / "tables-three.json"
    path.write_text(THREE.read_text())
    runner = CliRunner()
    costed = runner.invoke(cli, ["model", "cost", str(path), "--table", "shop-orders", "--json"])
    assert costed.exit_code == 0, costed.output
    assert {p["pattern"] for p in json.loads(costed.output)["patterns"]} == set(profile["patterns"])
    # The profile names shop-orders' patterns: another table's model is checked against it.
    other = runner.invoke(cli, ["model", "cost", str(path), "--table", "shop-stock"])
    assert other.exit_code == 1 and "no access pattern" in other.output, other.output
    drifted = runner.invoke(
        cli,
        ["model", "drift", str(path), "--table", "shop-stock", "--against", "moto"]
        + ["--engine", "moto"],
    )
    assert drifted.exit_code == 0, drifted.output
    stock = load_model(THREE, "shop-stock")
    assert drifted.output.rstrip().endswith(f"0 of {len(stock.patterns)} patterns differ")


def test_report_takes_the_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["model", "report", str(THREE), "--table", "shop-stock", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "tables-three-shop-stock.html" in result.output
    text = (tmp_path / "tables-three-shop-stock.ipynb").read_text()
    assert "table 'shop-stock'" in text and "into 'shop-stock'" in text


# -- finding 6: export writes several tables back into one file ----------------------------


def test_a_file_of_several_tables_exports_whole_or_one_table() -> None:
    original = _json(THREE)
    text, _ = export_file(THREE, "nosql-workbench")
    whole = json.loads(text)
    assert [t["TableName"] for t in whole["DataModel"]] == TABLES
    for before, after in zip(original["DataModel"], whole["DataModel"], strict=True):
        assert nosql_items(after) == nosql_items(before)
        assert nosql_declared(after) == nosql_declared(before)
    text, _ = export_file(THREE, "nosql-workbench", table_name="shop-stock")
    assert [t["TableName"] for t in json.loads(text)["DataModel"]] == ["shop-stock"]


def test_cli_exports_several_model_files_into_one(tmp_path: Path) -> None:
    runner = CliRunner()
    files = []
    for table in TABLES:
        out = tmp_path / f"{table}.yaml"
        result = runner.invoke(
            cli, ["model", "import", str(THREE), "--table", table, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        files.append(str(out))
    target = tmp_path / "all.json"
    result = runner.invoke(
        cli, ["model", "export", *files, "--format", "nosql-workbench", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "not exported: table 'shop-orders': " in result.output
    original, back = _json(THREE), _json(target)
    assert (back["ModelName"], back["ModelMetadata"]) == (
        original["ModelName"],
        original["ModelMetadata"],
    )
    assert [t["TableName"] for t in back["DataModel"]] == TABLES
    for before, after in zip(original["DataModel"], back["DataModel"], strict=True):
        assert nosql_items(after) == nosql_items(before)
        if before.get("TableFacets"):
            assert _facets(after) == _facets(before)
    # The file of three tables reads back as it was written.
    assert load_model(target, "shop-audit") == load_model(THREE, "shop-audit")
    refused = runner.invoke(
        cli, ["model", "export", *files[:2], "--format", "nosql-workbench", "--table", "shop-stock"]
    )
    assert "--table picks the table of one file, not of 2" in _one_line_error(refused)


def test_several_tables_make_one_cloudformation_template(moto_engine) -> None:
    text, notes = export_file(THREE, "cloudformation", "all.json")
    template = json.loads(text)
    assert notes == []
    tables = {k: r["Properties"]["TableName"] for k, r in template["Resources"].items()}
    assert tables == {
        "TableShopOrders": "shop-orders",
        "TableShopStock": "shop-stock",
        "TableShopAudit": "shop-audit",
    }
    assert cfn.lint(template) == []
    client = moto_engine.client("cloudformation")
    client.create_stack(StackName="three", TemplateBody=text)
    assert client.describe_stacks(StackName="three")["Stacks"][0]["StackStatus"] == (
        "CREATE_COMPLETE"
    )
    described = moto_engine.client().describe_table(TableName="shop-stock")["Table"]
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 2
    text, notes = export_file([MODELS / "shop.yaml", "cruddur"], "cloudformation")
    assert len(yaml.safe_load(text)["Resources"]) == 2
    assert notes and "Cruddur's production plan" in notes[0]


def test_a_file_holds_each_table_and_facet_name_once() -> None:
    from workbench.design.interop.nosql.export import to_nosql_workbench_models

    shop = load_model(MODELS / "shop.yaml")
    with pytest.raises(ModelError, match="two models have the table 'shop'"):
        to_nosql_workbench_models([shop, shop])
    orders = load_model(THREE, "shop-orders")  # its entity Customer, as shop's
    with pytest.raises(ModelError, match="entity 'Customer' is in tables 'shop' and 'shop-orders'"):
        to_nosql_workbench_models([shop, orders])


# -- finding 8: the round trip keeps what the author wrote ---------------------------------


def _round_trip(source: Path, tmp_path: Path, table: str | None = None) -> dict:
    """import -> YAML file -> export, as the commands do it."""
    text, _ = import_file(source, table)
    ours = tmp_path / "imported.yaml"
    ours.write_text(text)
    exported, _ = export_file(ours, "nosql-workbench")
    return json.loads(exported)


def test_import_then_export_gives_the_authors_file_back(tmp_path: Path) -> None:
    original, back = _json(AUTHORED), _round_trip(AUTHORED, tmp_path)
    assert back["ModelName"] == "Library desk" != back["DataModel"][0]["TableName"]
    assert back["ModelMetadata"] == original["ModelMetadata"]
    (before,), (after,) = original["DataModel"], back["DataModel"]
    assert _facets(after) == _facets(before)  # aliases, listed attributes, items
    assert _facets(after)["Loan"]["aliases"] == {
        "PartitionKeyAlias": "MemberId",
        "SortKeyAlias": "LoanId",
    }
    # Notes and Tags: declared, carried by no item; GSI1PK: listed by Member, carried by Loan.
    assert nosql_declared(after) == nosql_declared(before)
    assert {("Notes", "S"), ("Tags", "SS")} <= nosql_declared(after)
    assert "GSI1PK" in _facets(after)["Member"]["attributes"]
    # Each item once: in its facet, not again in the table's TableData.
    assert "TableData" not in after
    assert sum(nosql_items(after).values()) == sum(nosql_items(before).values()) == 4
    assert after["GlobalSecondaryIndexes"] == before["GlobalSecondaryIndexes"]
    assert after["BillingMode"] == before["BillingMode"]


def test_our_import_reads_its_own_templates_back_beside_the_authors_aliases() -> None:
    first, _ = to_document(_json(AUTHORED))
    exported = to_nosql_workbench(model_from_document(first))
    assert exported["DataModel"][0]["TableFacets"][0]["KeyAttributeAlias"]["PartitionKeyAlias"] == (
        "MemberId"
    )
    again, _ = to_document(json.loads(json.dumps(exported)))
    assert again["nosql_workbench"] == first["nosql_workbench"]
    assert {n: e["keys"] for n, e in again["entities"].items()} == {
        n: e["keys"] for n, e in first["entities"].items()
    }
    assert again["entities"]["Member"]["samples"] == first["entities"]["Member"]["samples"]


def test_a_three_table_file_round_trips_table_by_table(tmp_path: Path) -> None:
    original = _json(THREE)
    for position, table in enumerate(TABLES):
        back = _round_trip(THREE, tmp_path, table)
        assert (back["ModelName"], back["ModelMetadata"]) == (
            original["ModelName"],
            original["ModelMetadata"],
        )
        (after,) = back["DataModel"]
        before = original["DataModel"][position]
        assert after["TableName"] == table
        assert nosql_items(after) == nosql_items(before)
        assert nosql_declared(after) == nosql_declared(before)


def test_a_1_0_file_names_the_billing_assumed_and_exports_as_3_0(tmp_path: Path) -> None:
    model = load_model(V1)
    assert model.table.throughput.read == 5 and model.table.throughput.write == 5
    assumed = [m for p, m in model.warnings if p == "DataModel[0].BillingMode"]
    assert assumed and "PROVISIONED with 5 read and 5 write units assumed" in assumed[0]
    text, notes = export_file(V1, "nosql-workbench")
    back = json.loads(text)
    assert back["ModelMetadata"]["Version"] == "3.0"
    assert back["ModelMetadata"]["DateCreated"] == "Nov 12, 2019, 08:00 AM"
    assert any(
        "format version 1.0: written as 3.0" in n and '"Invalid version"' in n for n in notes
    ), notes
    # A file of the current version gets no such note.
    _, notes = export_file(AUTHORED, "nosql-workbench")
    assert not [n for n in notes if "version" in n]


@pytest.mark.parametrize("name", ["cruddur", "devices", "saas", "shop"])
def test_the_example_exports_hold_each_item_once(name: str) -> None:
    stored = _json(MODELS / f"{name}.json")
    (table,) = stored["DataModel"]
    assert "TableData" not in table
    written = sum(len(f["TableData"]) for f in table["TableFacets"])
    model = load_model(MODELS / f"{name}.yaml")
    assert written == len(model_items(model) or generated_items(model)) > 0


def test_the_yaml_block_is_checked_and_kept(tmp_path: Path) -> None:
    document = yaml.safe_load(import_file(AUTHORED)[0])
    model = model_from_document(document)
    assert model.nosql_workbench["facets"]["Member"]["partition_key_alias"] == "MemberId"
    assert model.nosql_workbench["attributes"] == {"Notes": "S", "Tags": "SS"}
    document["nosql_workbench"]["facets"]["Ghost"] = {"partition_key_alias": "PK"}
    document["nosql_workbench"]["author_email"] = "a@example.com"
    with pytest.raises(ModelProblems) as caught:
        model_from_document(document)
    assert caught.value.paths == ["nosql_workbench"]  # the schema first: an unknown key
    del document["nosql_workbench"]["author_email"]
    with pytest.raises(ModelProblems) as caught:
        model_from_document(document)
    assert caught.value.paths == ["nosql_workbench.facets.Ghost"]
