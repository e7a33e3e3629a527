"""Import then export keeps the shape the author wrote, and our own export reads back as the
model it came from (issue 19, finding 8 and What-to-build 5 and 7).

A table without facets comes back without facets (its items in its own ``TableData``); a file
without items comes back without items (a model of ours without samples still gets generated
ones, and says so); a file of several such tables comes back whole; and our export declares
each entity (index-key templates included) beside the table, so that importing it again
infers nothing.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from helpers import nosql_declared, nosql_items

from workbench.cli import cli
from workbench.design.interop.files import export_file, import_file
from workbench.design.interop.nosql.export import to_nosql_workbench
from workbench.design.interop.nosql.importer import import_document, to_document
from workbench.design.modelfile import load_model
from workbench.model.files import model_from_document

DATA = Path(__file__).parent / "data" / "nosql-workbench"
PLAIN = DATA / "tables-plain.json"  # two tables without facets, format 1.0
EMPTY = DATA / "tables-empty.json"  # no items: a table with facets, one without
MODELS = Path(__file__).parent.parent / "models"


def _json(path: Path) -> dict:
    return json.loads(path.read_text())


def _facets(table: dict) -> dict[str, Any]:
    return {
        f["FacetName"]: (f["KeyAttributeAlias"], sorted(f["NonKeyAttributes"]))
        for f in table.get("TableFacets") or []
    }


def _same_table(before: dict, after: dict) -> None:
    """``after`` holds what the author wrote in ``before``: the same shape, items, attributes."""
    assert after["TableName"] == before["TableName"]
    assert ("TableFacets" in after) == bool(before.get("TableFacets"))
    assert _facets(after) == _facets(before)
    assert nosql_items(after) == nosql_items(before)
    assert nosql_declared(after) == nosql_declared(before)
    assert after.get("GlobalSecondaryIndexes") == before.get("GlobalSecondaryIndexes")


def _imported(source: Path, table: str, folder: Path) -> Path:
    """The YAML ``workbench model import`` writes for ``table`` of ``source``."""
    text, _ = import_file(source, table)
    out = folder / f"{table}.yaml"
    out.write_text(text)
    return out


# -- a table without facets comes back without facets --------------------------------------


@pytest.mark.parametrize("table", ["garden", "tools"])
def test_a_table_without_facets_comes_back_without_facets(tmp_path: Path, table: str) -> None:
    ours = _imported(PLAIN, table, tmp_path)
    assert yaml.safe_load(ours.read_text())["nosql_workbench"]["no_facets"] is True
    text, notes = export_file(ours, "nosql-workbench")
    (after,) = json.loads(text)["DataModel"]
    (before,) = [t for t in _json(PLAIN)["DataModel"] if t["TableName"] == table]
    _same_table(before, after)
    assert "TableFacets" not in after and len(after["TableData"]) == len(before["TableData"])
    assert any(n.startswith("facets (the source file's table had none)") for n in notes), notes


@pytest.mark.parametrize("table", ["garden", "tools"])
def test_our_export_of_a_table_without_facets_reads_back_as_the_same_model(
    tmp_path: Path, table: str
) -> None:
    model = load_model(_imported(PLAIN, table, tmp_path))
    exported = json.loads(json.dumps(to_nosql_workbench(model)))
    again = import_document(exported)
    assert again == model
    assert [e.samples for e in again.entities] == [e.samples for e in model.entities]
    assert again.warnings == []  # nothing inferred: no guess to name
    assert again.nosql_workbench["no_facets"] is True  # and it comes back without facets


def test_a_model_of_ours_still_gets_a_facet_per_entity() -> None:
    model = load_model(MODELS / "shop.yaml")
    (table,) = to_nosql_workbench(model)["DataModel"]
    assert [f["FacetName"] for f in table["TableFacets"]] == [e.name for e in model.entities]
    assert "TableData" not in table


# -- no items: none written back, unless the model is ours ---------------------------------


@pytest.mark.parametrize("table", ["greenhouse", "archive"])
def test_a_file_without_items_comes_back_without_items(tmp_path: Path, table: str) -> None:
    ours = _imported(EMPTY, table, tmp_path)
    text, notes = export_file(ours, "nosql-workbench")
    (after,) = json.loads(text)["DataModel"]
    (before,) = [t for t in _json(EMPTY)["DataModel"] if t["TableName"] == table]
    _same_table(before, after)
    assert sum(nosql_items(after).values()) == 0
    assert not [n for n in notes if "generated" in n]


def test_a_model_of_ours_without_samples_gets_generated_items_and_says_so() -> None:
    model = load_model(MODELS / "shop.yaml")
    assert not any(e.samples for e in model.entities)
    text, notes = export_file(MODELS / "shop.yaml", "nosql-workbench")
    (table,) = json.loads(text)["DataModel"]
    assert sum(nosql_items(table).values()) > 0
    assert any("3 generated items per top-level entity" in n for n in notes), notes


def test_a_file_without_an_author_gets_none_back() -> None:
    document = _json(EMPTY)
    del document["ModelMetadata"]["Author"]
    ours, _ = to_document(document, "greenhouse")
    back = to_nosql_workbench(model_from_document(ours))
    assert back["ModelMetadata"]["Author"] == ""
    # A model of ours is signed by the workbench.
    assert to_nosql_workbench(load_model(MODELS / "shop.yaml"))["ModelMetadata"]["Author"] == (
        "cruddur-workbench"
    )


# -- several tables without facets, back into one file -------------------------------------


@pytest.mark.parametrize("source", [PLAIN, EMPTY], ids=lambda p: p.stem)
def test_a_file_of_several_tables_comes_back_whole(tmp_path: Path, source: Path) -> None:
    original = _json(source)
    names = [t["TableName"] for t in original["DataModel"]]
    # The file itself, no --table: every table.
    whole = json.loads(export_file(source, "nosql-workbench")[0])
    # The YAML of each table, exported together.
    files = [str(_imported(source, name, tmp_path)) for name in names]
    target = tmp_path / "all.json"
    result = CliRunner().invoke(
        cli, ["model", "export", *files, "--format", "nosql-workbench", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    for back in (whole, _json(target)):
        assert (back["ModelName"], back["ModelMetadata"]["Author"]) == (
            original["ModelName"],
            original["ModelMetadata"]["Author"],
        )
        assert [t["TableName"] for t in back["DataModel"]] == names
        for before, after in zip(original["DataModel"], back["DataModel"], strict=True):
            _same_table(before, after)


# -- our own export declares its entities: nothing inferred on import ----------------------

HAND_WRITTEN: dict[str, Any] = {
    "format": 1,
    "table": {
        "name": "depot",
        "partition_key": {"name": "pk", "type": "S"},
        "sort_key": {"name": "sk", "type": "S"},
        "billing": {"mode": "PAY_PER_REQUEST"},
        "global_indexes": [
            {
                "name": "by-status",
                "partition_key": {"name": "gsi1pk", "type": "S"},
                "sort_key": {"name": "gsi1sk", "type": "S"},
                "projection": "ALL",
            }
        ],
    },
    "entities": {
        "Order": {
            "description": "One order.",
            "keys": {
                "pk": "ORDER#{order_no}",
                "sk": "ORDER#{order_no}",
                # Index keys with fields only they use.
                "gsi1pk": "STATUS#{status_code}",
                "gsi1sk": "AT#{placed_at}#{order_no}",
            },
            "attributes": {
                "note": {"type": "S", "description": "Free text."},
                "order_no": {"type": "N", "stored": False, "description": "The number."},
                "status_code": {"type": "S", "stored": False, "generate": "word"},
                "placed_at": {"type": "S", "stored": False},
                "total": "N",
            },
            "samples": [
                {"order_no": 7, "status_code": "open", "placed_at": "2026-01-02", "total": 12},
                {"order_no": 8, "status_code": "shut", "placed_at": "2026-01-03", "note": "x"},
            ],
        },
        # Its sort key fits Order's items too: each must keep its own.
        "Line": {
            "keys": {"pk": "ORDER#{order_no}", "sk": "{line}"},
            "attributes": {"order_no": {"type": "N", "stored": False}, "line": "S", "qty": "N"},
            "samples": [{"order_no": 7, "line": "L1", "qty": 2}],
        },
    },
    "patterns": [
        {
            "name": "orders-by-status",
            "operation": "Query",
            "index": "by-status",
            "partition_key": "STATUS#{status_code}",
            "returns": ["Order"],
        }
    ],
}


@pytest.mark.parametrize("shape", ["facets", "no facets"])
def test_our_own_export_reads_back_exactly(shape: str) -> None:
    document = copy.deepcopy(HAND_WRITTEN)
    if shape == "no facets":
        document["nosql_workbench"] = {"no_facets": True}
    model = model_from_document(document)
    exported = json.loads(json.dumps(to_nosql_workbench(model)))
    (table,) = exported["DataModel"]
    declared = table["x-cruddur-workbench"]["entities"]["Order"]
    assert declared["keys"]["gsi1pk"] == "STATUS#{status_code}"  # index keys travel too
    if shape == "facets":
        held = {f["FacetName"]: len(f["TableData"]) for f in table["TableFacets"]}
        assert held == {"Order": 2, "Line": 1}  # each entity's items in its own facet
    again = import_document(exported)
    assert again.warnings == []  # no "key fields named by the importer", no guess
    assert again == model
    order = again.entity("Order")
    assert order.index_keys["gsi1pk"].template == "STATUS#{status_code}"
    assert order.type_of("order_no") == "N" and order.samples[0]["order_no"] == 7
    assert order.samples[1] == HAND_WRITTEN["entities"]["Order"]["samples"][1]


def test_an_export_edited_since_is_inferred_again_with_a_note() -> None:
    document = {**copy.deepcopy(HAND_WRITTEN), "nosql_workbench": {"no_facets": True}}
    exported = json.loads(json.dumps(to_nosql_workbench(model_from_document(document))))
    (table,) = exported["DataModel"]
    # An item added in NoSQL Workbench that fits no entity we declared.
    edited = copy.deepcopy(exported)
    edited["DataModel"][0]["TableData"].append({"pk": {"S": "CRATE#1"}, "sk": {"S": "CRATE#1"}})
    again = import_document(edited)
    assert ("DataModel[0].TableData[3]") in [p for p, _ in again.warnings]
    assert any("fit no entity x-cruddur-workbench declares" in m for _, m in again.warnings)
    # An attribute added to one of our items: that entity is inferred, the other as declared.
    edited = copy.deepcopy(exported)
    edited["DataModel"][0]["TableData"][0]["colour"] = {"S": "red"}
    again = import_document(edited)
    (note,) = [
        m for p, m in again.warnings if p == "DataModel[0].x-cruddur-workbench.entities.Order"
    ]
    assert "DataModel[0].TableData[0] carries attributes it does not declare: ['colour']" in note
    assert again.entity("Line") == model_from_document(document).entity("Line")
