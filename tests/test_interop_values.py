"""NoSQL Workbench sample values (issue 19, findings 1 and 7): every shape published files
use is read as its author meant it, what cannot be read is named by its JSON path, and
String, Number and Binary sets stay sets through load, export and DataFrames."""

from __future__ import annotations

import base64
import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.design.interop import import_document, to_document, to_nosql_workbench
from workbench.design.interop.files import import_file
from workbench.design.modelfile import load_model
from workbench.errors import ModelError
from workbench.model.problems import ModelProblems

DATA = Path(__file__).parent / "data" / "nosql-workbench"
PLAIN_MAP = DATA / "values-plain-map.json"
NESTED_MAP = DATA / "values-nested-map.json"
SETS = DATA / "values-sets.json"
UNREADABLE = DATA / "values-unreadable.json"


def _document(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def _scan(engine: Any, table_name: str) -> list[dict[str, Any]]:
    """What DynamoDB holds, as its wire JSON ({"SS": [...]}), sorted by key."""
    items = engine.client().scan(TableName=table_name, ConsistentRead=True)["Items"]
    return sorted(items, key=lambda i: (i["PK"]["S"], i.get("SK", {}).get("S", "")))


# -- finding 1: every shape of value is read ------------------------------------------------


def test_plain_json_inside_a_map_is_read_as_its_types() -> None:
    # Was: the whole file refused with "argument of type 'bool' is not iterable".
    model = import_document(_document(PLAIN_MAP))
    first, second = model.entity("Flag").samples
    assert first["settings"] == {
        "is_enabled": True,
        "name": "Dark mode",
        "rollout": 25,
        "ratio": 0.5,
        "regions": ["eu", "us"],
        "limits": {"daily": 100, "burst": 10},
        "owner": None,
        "since": "2026-02-01",  # a typed value among plain ones: {"S": "2026-02-01"}
    }
    assert second["settings"] == {"is_enabled": False, "name": "New checkout", "rollout": 0}
    assert type(first["settings"]["rollout"]) is int and first["settings"]["owner"] is None
    # Read as written: nothing was assumed, so nothing is noted about the values.
    assert [p for p, _ in model.warnings if ".settings" in p] == []


@pytest.mark.server
def test_plain_json_inside_a_map_loads_as_dynamodb_types(local_engine, table_name: str) -> None:
    from workbench.design.sampledata import load

    loaded = load(local_engine, load_model(PLAIN_MAP), table_name)
    assert loaded.written == 2
    stored = _scan(local_engine, table_name)[0]["settings"]["M"]
    assert stored["is_enabled"] == {"BOOL": True}
    assert stored["name"] == {"S": "Dark mode"}
    assert stored["rollout"] == {"N": "25"} and stored["ratio"] == {"N": "0.5"}
    assert stored["regions"] == {"L": [{"S": "eu"}, {"S": "us"}]}
    assert stored["limits"] == {"M": {"daily": {"N": "100"}, "burst": {"N": "10"}}}
    assert stored["owner"] == {"NULL": True}
    assert stored["since"] == {"S": "2026-02-01"}


def test_a_map_wrapped_twice_is_read_as_the_inner_map_and_said() -> None:
    # Was: refused as "unknown DynamoDB attribute value {'HP': ...}", naming no item.
    model = import_document(_document(NESTED_MAP))
    hero = model.entity("Hero")
    assert [s["stats"] for s in hero.samples] == [{"HP": 50, "MP": 20}, {"HP": 30, "MP": 80}]
    assert hero.samples[0]["gear"] == [{"slot": "head", "weight": 2.5}, "shield"]
    assert hero.samples[1]["gear"] == []
    notes = {p: m for p, m in model.warnings if "wrapped twice" in m}
    assert set(notes) == {
        "DataModel[0].TableFacets[0].TableData[0].stats.M",
        "DataModel[0].TableFacets[0].TableData[1].stats.M",
    }
    # The note says how to overrule the reading.
    assert all("edit the sample in the YAML the import writes" in m for m in notes.values())


def test_the_import_writes_the_assumption_into_the_yaml_and_the_yaml_loads() -> None:
    text, notes = import_file(NESTED_MAP)
    assert any("wrapped twice" in m for _, m in notes)
    assert "# check: DataModel[0].TableFacets[0].TableData[0].stats.M: a map wrapped" in text


def test_a_map_holding_an_attribute_named_m_keeps_it() -> None:
    # "M": {"M": {"S": "x"}} is no doubled wrapper: a map whose attribute M is the text x.
    document = _document(NESTED_MAP)
    item = document["DataModel"][0]["TableFacets"][0]["TableData"][0]
    item["stats"] = {"M": {"M": {"S": "x"}}}
    model = import_document(document)
    assert model.entity("Hero").samples[0]["stats"] == {"M": "x"}
    assert not any("TableData[0].stats" in p and "wrapped twice" in m for p, m in model.warnings)


def test_a_member_that_looks_typed_but_is_not_is_a_map_and_said() -> None:
    # {"N": "ten"} inside a map: plain JSON reads a map with one attribute N; a note says
    # it may be a broken number, and where.
    document = _document(PLAIN_MAP)
    item = document["DataModel"][0]["TableFacets"][0]["TableData"][1]
    item["settings"]["M"]["rollout"] = {"N": "ten"}
    model = import_document(document)
    assert model.entity("Flag").samples[1]["settings"]["rollout"] == {"N": "ten"}
    (note,) = [
        m
        for p, m in model.warnings
        if p == "DataModel[0].TableFacets[0].TableData[1].settings.M.rollout"
    ]
    assert "read as a map with one attribute" in note and '"ten"' in note


EXPECTED_PROBLEMS = [
    ("DataModel[0].TableFacets[0].TableData[0].level.N", '"ten"'),
    ("DataModel[0].TableFacets[0].TableData[0].avatar.B", '"not base64!"'),
    ("DataModel[0].TableFacets[0].TableData[0].tags.SS[1]", "5"),
    ("DataModel[0].TableFacets[0].TableData[0].gone.NULL", "false"),
    ("DataModel[0].TableFacets[0].TableData[0].color", '"red"'),
    ("DataModel[0].TableFacets[0].TableData[1].level", '{"S": "high"}'),
    (
        "DataModel[0].TableFacets[1].TableData[3].stats.M.hp",
        "123456789012345678901234567890123456789012",
    ),
]


def test_every_value_that_cannot_be_read_is_named_by_its_json_path_at_once() -> None:
    with pytest.raises(ModelProblems) as caught:
        to_document(_document(UNREADABLE))
    assert caught.value.paths == [path for path, _ in EXPECTED_PROBLEMS]
    for (_, message), (_, value) in zip(caught.value.problems, EXPECTED_PROBLEMS, strict=True):
        assert message.startswith(value), message  # each names the value it cannot read
    messages = dict(caught.value.problems)
    assert "38 significant digits" in messages[EXPECTED_PROBLEMS[-1][0]]
    assert "declares, N" in messages["DataModel[0].TableFacets[0].TableData[1].level"]


@pytest.mark.parametrize("command", ["import", "check"])
def test_the_cli_lists_every_unreadable_value_and_no_python_error(command: str) -> None:
    result = CliRunner().invoke(cli, ["model", command, str(UNREADABLE)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].endswith(f"{len(EXPECTED_PROBLEMS)} problem(s)"), lines
    assert [line.split(": ")[0].strip() for line in lines[1:]] == [p for p, _ in EXPECTED_PROBLEMS]
    for text in ("Traceback", "unexpected", "TypeError", "object has no attribute"):
        assert text not in result.output


HOSTILE = [
    {"M": True},
    {"M": [1, 2]},
    {"M": {"a": {"M": 5}}},
    {"M": {"a": [1, {"N": "x"}, {"M": {"b": {"SS": []}}}]}},
    {"M": {"M": {"M": {"M": {"deep": {"BOOL": "yes"}}}}}},
    {"L": {"x": 1}},
    {"L": [{"N": []}, None, 1e400]},
    {"SS": "a"},
    {"SS": ["a", "a"]},
    {"SS": []},
    {"NS": [True, "1"]},
    {"NS": ["1", "1.0"]},
    {"BS": [5]},
    {"BS": ["AAE=", "AAE="]},
    {"B": 5},
    {"BOOL": "true"},
    {"NULL": None},
    {"S": "a", "N": "1"},
    {},
    [1],
    None,
    "text",
]


@pytest.mark.parametrize("value", HOSTILE, ids=[json.dumps(v) for v in HOSTILE])
def test_no_value_shape_reaches_the_user_as_a_python_error(value: Any) -> None:
    document = _document(PLAIN_MAP)
    document["DataModel"][0]["TableFacets"][0]["TableData"][0]["extra"] = value
    where = "DataModel[0].TableFacets[0].TableData[0].extra"
    try:
        model = import_document(document)
    except ModelError as exc:  # a refusal names the value's path, in words
        assert where in str(exc), str(exc)
        for python in ("TypeError", "KeyError", "AttributeError", "not iterable", "Traceback"):
            assert python not in str(exc), str(exc)
    else:  # read, but not silently: a note names what was assumed, and where
        assert any(path.startswith(where) for path, _ in model.warnings)


def test_a_set_with_repeated_members_is_read_as_its_set_and_said() -> None:
    document = _document(SETS)
    item = document["DataModel"][0]["TableFacets"][0]["TableData"][1]
    item["tags"] = {"SS": ["veteran", "veteran"]}
    item["scores"] = {"NS": ["1", "1.0"]}
    model = import_document(document)
    sample = model.entity("Player").samples[1]
    assert sample["tags"] == ["veteran"] and sample["scores"] == [1]
    paths = [p for p, m in model.warnings if "repeats members" in m]
    assert paths == [
        "DataModel[0].TableFacets[0].TableData[1].tags.SS",
        "DataModel[0].TableFacets[0].TableData[1].scores.NS",
    ]


def test_an_empty_set_is_left_out_and_said() -> None:
    document = _document(SETS)
    document["DataModel"][0]["TableFacets"][0]["TableData"][1]["tags"] = {"SS": []}
    model = import_document(document)
    assert "tags" not in model.entity("Player").samples[1]
    assert any(
        p == "DataModel[0].TableFacets[0].TableData[1].tags" and "refuses empty sets" in m
        for p, m in model.warnings
    )


def test_a_value_of_another_type_than_declared_is_read_as_declared_and_said() -> None:
    document = _document(SETS)
    item = document["DataModel"][0]["TableFacets"][0]["TableData"][1]
    item["tags"] = {"L": [{"S": "veteran"}, {"S": "mentor"}]}  # the table declares SS
    model = import_document(document)
    (note,) = [m for p, m in model.warnings if p == "DataModel[0].TableFacets[0].TableData[1].tags"]
    assert "read as SS" in note and "change the attribute's type in the YAML" in note
    player = model.entity("Player")
    assert player.item(**player.samples[1])["tags"] == {"veteran", "mentor"}


# -- finding 7: sets stay sets ----------------------------------------------------------------


def _wire_sets(item: dict[str, Any]) -> dict[str, Any]:
    """The set and binary attributes of a wire item, order-free."""
    return {
        "tags": ("SS", set(item["tags"]["SS"])),
        "scores": ("NS", {Decimal(n) for n in item["scores"]["NS"]}),
        "keys": ("BS", {bytes(b) for b in item["keys"]["BS"]}),
        "avatar": ("B", bytes(item["avatar"]["B"])),
    }


EXPECTED_SETS = [
    {
        "tags": ("SS", {"rookie", "collector"}),
        "scores": ("NS", {Decimal(10), Decimal("2.5"), Decimal(-3)}),
        "keys": ("BS", {b"\x00\x01", b"\x02\x03"}),
        "avatar": ("B", base64.b64decode("iVBORw==")),
    },
    {
        "tags": ("SS", {"veteran"}),
        "scores": ("NS", {Decimal(99)}),
        "keys": ("BS", {b"\x04\x05"}),
        "avatar": ("B", base64.b64decode("R0lGOA==")),
    },
]


@pytest.mark.server
def test_sets_and_binary_from_a_file_are_written_to_dynamodb_as_such(
    local_engine, table_name: str
) -> None:
    from workbench.design.sampledata import load

    load(local_engine, load_model(SETS), table_name)
    stored = _scan(local_engine, table_name)
    for item in stored:
        assert {k: next(iter(item[k])) for k in ("tags", "scores", "keys", "avatar")} == {
            "tags": "SS",
            "scores": "NS",
            "keys": "BS",
            "avatar": "B",
        }
    assert [_wire_sets(i) for i in stored] == EXPECTED_SETS


@pytest.mark.server
def test_sets_stay_sets_in_dataframes(local_engine, table_name: str) -> None:
    from workbench.design.sampledata import load, sample_items
    from workbench.desk.frames import entity_view, to_frame

    model = load_model(SETS)
    load(local_engine, model, table_name)
    stored = _scan(local_engine, table_name)
    frame = to_frame(stored, model)
    assert list(frame["tags"]) == [{"rookie", "collector"}, {"veteran"}]
    assert frame["scores"][0] == {10, Decimal("2.5"), -3}
    assert frame["keys"][1] == {b"\x04\x05"}
    # The same from the plain items the loader wrote (the file's samples as items).
    view = entity_view(sample_items(model), "Player", model)
    assert list(view["tags"]) == [{"rookie", "collector"}, {"veteran"}]


def test_sets_stay_sets_on_export_and_round_trip() -> None:
    original = _document(SETS)
    exported = to_nosql_workbench(load_model(SETS))
    facet = exported["DataModel"][0]["TableFacets"][0]
    for item in facet["TableData"]:
        assert {k: next(iter(item[k])) for k in ("tags", "scores", "keys", "avatar")} == {
            "tags": "SS",
            "scores": "NS",
            "keys": "BS",
            "avatar": "B",
        }

    def order_free(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {k: sorted(v[t]) if t in ("SS", "NS", "BS") else v for k, v in i.items() for t in v}
            for i in items
        ]

    assert order_free(facet["TableData"]) == order_free(
        original["DataModel"][0]["TableFacets"][0]["TableData"]
    )
    # and what the export wrote imports to the same model
    assert import_document(json.loads(json.dumps(exported))) == load_model(SETS)


SET_YAML = """\
format: 1
table:
  name: badges
  partition_key: {name: PK, type: S}
entities:
  Player:
    keys: {PK: "PLAYER#{player_id}"}
    attributes:
      player_id: {type: S, stored: false}
      tags: {type: SS}
      scores: {type: NS}
    samples:
      - {player_id: p1, tags: [rookie, collector], scores: [1, 2.5]}
"""


def test_model_check_names_set_samples_dynamodb_refuses(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(SET_YAML)
    result = CliRunner().invoke(cli, ["model", "check", str(good)])
    assert result.exit_code == 0, result.output  # a list is how YAML writes a set
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SET_YAML.replace(
            "      - {player_id: p1, tags: [rookie, collector], scores: [1, 2.5]}\n",
            "      - {player_id: p1, tags: [rookie, rookie], scores: [1, '1.0']}\n"
            "      - {player_id: p2, tags: [], scores: 7}\n"
            "      - {player_id: p3, tags: [rookie, 5], scores: [1, two]}\n",
        )
    )
    result = CliRunner().invoke(cli, ["model", "check", str(bad)])
    assert result.exit_code == 1, result.output
    lines = dict(line.strip().split(": ", 1) for line in result.output.strip().splitlines()[1:])
    prefix = "entities.Player.samples"
    assert set(lines) == {
        f"{prefix}[0].tags",
        f"{prefix}[0].scores",
        f"{prefix}[1].tags",
        f"{prefix}[1].scores",
        f"{prefix}[2].tags",
        f"{prefix}[2].scores",
    }
    assert "repeats 'rookie': DynamoDB refuses duplicate" in lines[f"{prefix}[0].tags"]
    assert "repeats 1 (as '1.0')" in lines[f"{prefix}[0].scores"]
    assert "empty set: DynamoDB refuses empty sets" in lines[f"{prefix}[1].tags"]
    assert "7 is not a set" in lines[f"{prefix}[1].scores"]
    assert "5 in ['rookie', 5] is not a string" in lines[f"{prefix}[2].tags"]
    assert "'two' in [1, 'two'] is not a number" in lines[f"{prefix}[2].scores"]


def test_generated_sample_data_for_set_attributes_are_sets(tmp_path: Path) -> None:
    from workbench.design.sampledata import generate
    from workbench.model.items import to_item

    path = tmp_path / "sets.yaml"
    path.write_text(SET_YAML.split("    samples:")[0])  # no samples: generated data
    items = generate(load_model(path), count=3, seed=1)
    assert len(items) == 3
    for item in items:
        assert isinstance(item["tags"], set) and isinstance(item["scores"], set)
        wire = to_item(item)
        assert "SS" in wire["tags"] and "NS" in wire["scores"]


@pytest.mark.server
def test_cli_import_check_load_export_keeps_sets(
    local_server, local_engine, table_name: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("WORKBENCH_ENDPOINT", local_server.endpoint)
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path / "state"))
    runner = CliRunner()
    yaml_file = tmp_path / "badges.yaml"
    result = runner.invoke(cli, ["model", "import", str(SETS), "-o", str(yaml_file)])
    assert result.exit_code == 0, result.output
    assert "type: SS" in yaml_file.read_text()
    result = runner.invoke(cli, ["model", "check", str(yaml_file)])
    assert result.exit_code == 0 and result.output.startswith("ok:"), result.output
    result = runner.invoke(cli, ["model", "load", str(yaml_file), "--table", table_name])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("loaded 2 items"), result.output
    assert [_wire_sets(i) for i in _scan(local_engine, table_name)] == EXPECTED_SETS
    back = tmp_path / "badges.json"
    result = runner.invoke(
        cli, ["model", "export", str(yaml_file), "--format", "nosql-workbench", "-o", str(back)]
    )
    assert result.exit_code == 0, result.output
    exported = json.loads(back.read_text())["DataModel"][0]["TableFacets"][0]["TableData"]
    assert [sorted(i["tags"]["SS"]) for i in exported] == [["collector", "rookie"], ["veteran"]]
    assert [sorted(i["keys"]["BS"]) for i in exported] == [["AAE=", "AgM="], ["BAU="]]
    assert copy.deepcopy(exported[0]["avatar"]) == {"B": "iVBORw=="}
