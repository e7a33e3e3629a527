"""NoSQL Workbench interop: import (templates inferred from sample data), export, round trips."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.design.interop import import_document, model_items, to_document, to_nosql_workbench
from workbench.design.interop.nosql.export import dynamodb_json
from workbench.design.interop.nosql.templates import identifier, infer
from workbench.design.modelfile import load_model
from workbench.errors import ModelError
from workbench.model.problems import ModelProblems

DATA = Path(__file__).parent / "data" / "nosql-workbench"
LIBRARY = DATA / "library-loans.json"
OLD = DATA / "leaderboard-v1-noversion.json"
# Model files only: NAME.traffic.yaml beside a model is its traffic profile (docs/cost.md).
MODELS = sorted(
    p for p in (Path(__file__).parent.parent / "models").glob("*.yaml") if "." not in p.stem
)


def _namer(values: list[str], literal: str) -> str:
    return identifier(literal.split("#")[-1].lower(), "value") + "_id"


@pytest.mark.parametrize(
    ("values", "template"),
    [
        (["c#12345", "c#23456"], "c#{c_id}"),
        (["c#12345"], "c#{c_id}"),
        (["PROFILE", "PROFILE"], "PROFILE"),
        (["ORDER#1#ITEM#2", "ORDER#1#ITEM#3"], "ORDER#1#ITEM#{item_id}"),
        (["LOAN#2026-01-01#b1", "LOAN#2026-02-01#b2"], "LOAN#{loan_id}#{value_id}"),
        (["2026-01-01", "2026-02-01"], "{value_id}"),
        (["a{b#1", "a{b#2"], "a{{b#{a_b_id}"),
    ],
)
def test_infer_reads_templates_from_values(values: list[str], template: str) -> None:
    inferred = infer(values, _namer)
    assert inferred is not None and inferred.template == template


def test_infer_says_when_there_is_no_prefix() -> None:
    assert infer(["2026-01-01", "2026-02-01"], _namer).prefixed is False
    assert infer(["c#1", "c#2"], _namer).prefixed is True
    assert infer([], _namer) is None


def _facets(document: dict) -> dict[str, dict]:
    """Facet name -> (attributes, items as sorted JSON): the parts a round trip keeps."""
    table = document["DataModel"][0]
    return {
        f["FacetName"]: {
            "attributes": sorted(f["NonKeyAttributes"]),
            "items": sorted(json.dumps(i, sort_keys=True) for i in f["TableData"]),
        }
        for f in table["TableFacets"]
    }


def _table_parts(document: dict) -> dict:
    table = document["DataModel"][0]
    return {
        "name": table["TableName"],
        "keys": table["KeyAttributes"],
        "attributes": sorted(json.dumps(a, sort_keys=True) for a in table["NonKeyAttributes"]),
        "indexes": table.get("GlobalSecondaryIndexes", []),
        "billing": table.get("BillingMode"),
        "throughput": (table.get("ProvisionedCapacitySettings") or {}).get("ProvisionedThroughput"),
    }


def test_library_imports_with_templates_inferred_from_its_data() -> None:
    model = load_model(LIBRARY)  # the loader dispatches on content
    loan = model.entity("Loan")
    assert {a: t.template for a, t in loan.all_keys.items()} == {
        "PK": "MEMBER#{MemberId}",
        "SK": "LOAN#{LoanedAt}#{Isbn}",
        "GSI1PK": "BOOK#{Isbn}",
        "GSI1SK": "LOAN#{LoanedAt}",
    }
    assert model.entity("Member").keys["SK"].template == "PROFILE"
    assert model.entity("Book").type_attribute == ("Type", "Book")
    assert model.entity("Book").type_of("Year") == "N"
    assert model.table.throughput.read == 3 and model.table.throughput.write == 2
    assert [i.name for i in model.table.indexes] == ["GSI1", "loans-by-status"]
    assert model.table.indexes[1].non_key_attributes == ("Isbn", "LoanedAt")
    # nothing guessed: the only note is that starter patterns were made (the file has none)
    assert [m for _, m in model.warnings if "starter Queries made" not in m] == []


def test_library_loads_runs_and_exports_back_unchanged(moto_engine, table_name: str) -> None:
    """Done-when: a file the project has never seen imports, loads its sample data, runs,
    and exports back to JSON with the same tables, indexes, facets and items."""
    from workbench.design.sampledata import load
    from workbench.engine.dynamo import send
    from workbench.model.items import from_items
    from workbench.model.requests import Request

    original = json.loads(LIBRARY.read_text())
    model = load_model(LIBRARY)
    loaded = load(moto_engine, model, table_name)
    assert loaded.written == 10
    response = send(
        moto_engine,
        Request(
            "Query",
            {
                "TableName": table_name,
                "KeyConditionExpression": "PK = :pk AND begins_with(SK, :loan)",
                "ExpressionAttributeValues": {
                    ":pk": {"S": "MEMBER#m-100"},
                    ":loan": {"S": "LOAN#"},
                },
            },
        ),
    )
    loans = from_items(response["Items"])
    assert sorted(i["Isbn"] for i in loans) == ["9780441478125", "9780553293357"]
    assert {model.entity_for(i).name for i in loans} == {"Loan"}
    by_author = send(
        moto_engine,
        Request(
            "Query",
            {
                "TableName": table_name,
                "IndexName": "GSI1",
                "KeyConditionExpression": "GSI1PK = :a",
                "ExpressionAttributeValues": {":a": {"S": "AUTHOR#Frank Herbert"}},
            },
        ),
    )
    assert [i["Title"]["S"] for i in by_author["Items"]] == ["Dune"]
    exported = to_nosql_workbench(model)
    assert _table_parts(exported) == _table_parts(original)
    assert _facets(exported) == _facets(original)


def test_old_files_without_a_version_or_1_0_import() -> None:
    document = json.loads(OLD.read_text())
    assert "Version" not in document["ModelMetadata"]
    model = import_document(document)
    (entity,) = model.entities  # no facets: the table's data is one entity
    assert entity.keys["pk"].template == "GAME#{game_id}"
    assert len(entity.samples) == 5 and model.table.throughput.read == 5
    document["ModelMetadata"]["Version"] = "1.0"
    assert import_document(document) == model


def test_a_key_without_prefix_is_named_in_the_warnings() -> None:
    document = json.loads(LIBRARY.read_text())
    for item in document["DataModel"][0]["TableFacets"][0]["TableData"]:
        item["PK"]["S"] = item["PK"]["S"].removeprefix("MEMBER#")
        item["PK"]["S"] = item["PK"]["S"]
    model = import_document(document)
    assert model.entity("Member").keys["PK"].template == "{MemberId}"
    paths = [path for path, _ in model.warnings]
    assert "DataModel[0].TableFacets[0].TableData[*].PK" in paths


def test_every_shape_problem_is_named_by_its_json_path() -> None:
    document = json.loads(LIBRARY.read_text())
    table = document["DataModel"][0]
    table["NonKeyAttributes"][0]["AttributeType"] = "DATE"
    table["GlobalSecondaryIndexes"][0]["Projection"]["ProjectionType"] = "SOME"
    table["TableFacets"][1]["NonKeyAttributes"].append("Publisher")
    table["TableFacets"][2]["TableData"][0]["DueAt"] = {"DATE": "2026-01-01"}
    del table["TableFacets"][0]["TableData"][1]["PK"]
    table["BillingMode"] = "FREE"
    with pytest.raises(ModelProblems) as caught:
        to_document(document)
    assert caught.value.paths == [
        "DataModel[0].NonKeyAttributes[0].AttributeType",
        "DataModel[0].GlobalSecondaryIndexes[0].Projection.ProjectionType",
        "DataModel[0].TableFacets[0].TableData[1]",
        "DataModel[0].TableFacets[1].NonKeyAttributes[8]",
        "DataModel[0].TableFacets[2].TableData[0].DueAt",
        "DataModel[0].BillingMode",
    ]


def test_several_tables_need_a_choice() -> None:
    document = json.loads(LIBRARY.read_text())
    second = copy.deepcopy(document["DataModel"][0])
    second["TableName"] = "other-library"
    document["DataModel"].append(second)
    with pytest.raises(ModelError, match=r"tables \['city-library', 'other-library'\]"):
        to_document(document)
    assert import_document(document, table="other-library").table.name == "other-library"


def _entity_parts(model) -> dict:
    return {
        e.name: {
            "keys": {a: t.template for a, t in e.all_keys.items()},
            "key_fields": sorted(e.key_fields),
            "attributes": sorted((n, e.type_of(n)) for n in e.attributes),
            "type_attribute": e.type_attribute,
        }
        for e in model.entities
    }


def _index_parts(model) -> list:
    t = model.table
    return [
        (i.name, i.hash_key, i.range_key, i.projection, i.non_key_attributes) for i in t.indexes
    ]


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_our_models_round_trip_through_nosql_workbench_json(path: Path) -> None:
    model = load_model(path)
    exported = json.loads(json.dumps(to_nosql_workbench(model)))
    back = import_document(exported)
    assert (back.table.name, back.table.key_names, dict(back.table.attributes)) == (
        model.table.name,
        model.table.key_names,
        dict(model.table.attributes),
    )
    assert back.table.throughput == model.table.throughput
    assert _index_parts(back) == _index_parts(model)
    assert _entity_parts(back) == _entity_parts(model)
    items = [i for f in exported["DataModel"][0]["TableFacets"] for i in f["TableData"]]
    assert len(items) > 0
    back_items = [dynamodb_json(i) for i in model_items(back)]
    assert sorted(json.dumps(i, sort_keys=True) for i in back_items) == sorted(
        json.dumps(i, sort_keys=True) for i in items
    )
    assert json.dumps(to_nosql_workbench(back), sort_keys=True) == json.dumps(
        exported, sort_keys=True
    )


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_the_models_json_files_are_their_current_export(path: Path) -> None:
    stored = path.with_suffix(".json")
    assert stored.is_file(), f"run: workbench model export {path} --format nosql-workbench"
    assert json.loads(stored.read_text()) == to_nosql_workbench(load_model(path))


def test_cli_import_then_export(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "library.yaml"
    result = runner.invoke(cli, ["model", "import", str(LIBRARY), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert load_model(out) == load_model(LIBRARY)
    back = tmp_path / "library.json"
    result = runner.invoke(
        cli, ["model", "export", str(out), "--format", "nosql-workbench", "-o", str(back)]
    )
    assert result.exit_code == 0, result.output
    assert _facets(json.loads(back.read_text())) == _facets(json.loads(LIBRARY.read_text()))


def test_cli_refuses_a_bad_file_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"ModelName": "x", "DataModel": []}))
    result = CliRunner().invoke(cli, ["model", "import", str(bad)])
    assert result.exit_code != 0
    assert "DataModel: must be a non-empty list of tables" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["model", "export", str(bad), "--format", "excel"])
    assert result.exit_code != 0 and "excel" in result.output


def test_an_imported_file_gets_starter_patterns_that_run(moto_engine, table_name: str) -> None:
    # NoSQL Workbench files carry no access patterns: the import makes a starter Query per
    # entity and index key, with an example from the data, so `model run` has something to run.
    from workbench.design.modelfile import run_patterns
    from workbench.design.sampledata import load

    model = import_document(json.loads(OLD.read_text()))
    assert [p.name for p in model.patterns] == [
        "leaderboard-by-pk",
        "leaderboard-by-PlayerId-on-by-player",
    ]
    assert any("starter Queries made" in message for _, message in model.warnings)
    load(moto_engine, model, table_name)
    runs = {r["pattern"]: r for r in run_patterns(moto_engine, model, table_name=table_name)}
    by_game = runs["leaderboard-by-pk"]
    # the first sample's game: every score of it comes back, and only Leaderboard items
    games = [item["pk"] for item in by_game["items"]]
    assert games and set(games) == {games[0]}
    assert runs["leaderboard-by-PlayerId-on-by-player"]["items"]


@pytest.mark.parametrize(
    "args",
    [
        ["model", "export", "cruddur", "--format", "nosql-workbench", "-o"],
        ["model", "export", "cruddur", "--format", "cloudformation", "--output"],
        ["model", "import", str(LIBRARY), "-o"],
        ["model", "report", "cruddur", "-o"],
    ],
    ids=["export", "export-cfn", "import", "report"],
)
def test_cli_output_in_a_missing_folder_is_refused_and_not_made(
    tmp_path: Path, args: list[str]
) -> None:
    target = tmp_path / "nowhere" / "x.yaml"
    result = CliRunner().invoke(cli, [*args, str(target)])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert f"folder {str(target.parent)!r} does not exist: create it first" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
