"""The cost of a whole pattern (issue 18): what a pattern ``follows`` is measured and priced
with it (Cruddur's E = its GSI query + 2 moves), a Scan is priced at the profile's table size,
and the NoSQL Workbench export carries the patterns, so its traffic profile works on it.

Figures are worked out by hand from DynamoDB's documented rules (docs/capacity.md), not with
the package's capacity code.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from workbench.cli import cli
from workbench.design.cost import CostStudy, open_study
from workbench.design.interop.nosql.export import to_nosql_workbench
from workbench.design.interop.nosql.extension import KEY
from workbench.design.interop.nosql.importer import import_document
from workbench.design.modelfile import load_model
from workbench.errors import ModelError
from workbench.model import CRUDDUR, MESSAGE_GROUP, Model
from workbench.model.cruddur import move_summary_request
from workbench.model.files import model_from_document
from workbench.model.patterns import FollowUp
from workbench.model.problems import ModelProblems

MODELS = Path(__file__).resolve().parent.parent / "models"
SECONDS_PER_MONTH = 730 * 3600
WRU_PER_MILLION, RRU_PER_MILLION = 0.625, 0.125  # us-east-1 since 2024-11-01 (docs/cost.md)
MESSAGES_PER_S = 2000 * 20 / 86400  # models/cruddur.traffic.yaml


def _size(item: dict) -> int:
    """Bytes of a typed item of strings: each name plus its UTF-8 value."""
    return sum(len(k.encode()) + len(v["S"].encode()) for k, v in item.items())


def _kb(size: int) -> int:
    return max(1, math.ceil(size / 1024))


# -- follows: the model -----------------------------------------------------------------------


def _cruddur_document() -> dict:
    return yaml.safe_load((MODELS / "cruddur.yaml").read_text())


def _pattern_doc(document: dict, name: str) -> dict:
    return next(p for p in document["patterns"] if p["name"] == name)


def test_e_follows_two_moves_and_the_python_model_says_the_same() -> None:
    model = load_model(MODELS / "cruddur.yaml")
    e = model.pattern("E")
    assert e.follows == (FollowUp("move-message-group", 2),)
    assert e.operations == ("Query",)
    assert model.pattern("move-message-group").operation == "TransactWriteItems"
    assert CRUDDUR.pattern("E").follows == e.follows
    # The chart shows E's move as a step of E, not as a pattern of its own.
    rows = {r["name"]: r for r in model.pattern_rows()}
    assert rows["update-message-group"]["operations"] == "Query + TransactWriteItems"
    assert "move-message-group" not in rows


def test_the_move_pattern_builds_what_the_stream_handler_sends() -> None:
    summary = MESSAGE_GROUP.item(
        owner_user_uuid="u-a",
        last_message_at="2026-11-01T00:00:00.000000+00:00",
        message_group_uuid="g-1",
        message="old text",
        user_uuid="u-b",
        user_display_name="Bo",
        user_handle="bo",
    )
    later = "2026-11-02T00:00:00.000000+00:00"
    params = {**MESSAGE_GROUP.parse(summary), "created_at": later, "message": "new text"}
    built = CRUDDUR.builder.build("move-message-group", "t-x", **params)
    sent = move_summary_request("t-x", summary, later, "new text")
    assert built.operation == sent.operation == "TransactWriteItems"
    assert built.params == sent.params


def test_an_operation_name_in_follows_is_still_valid() -> None:
    document = _cruddur_document()
    _pattern_doc(document, "update-message-group")["follows"] = ["TransactWriteItems"]
    e = model_from_document(document).pattern("E")
    assert (e.operations, e.follows) == (("Query", "TransactWriteItems"), ())


def test_a_follows_naming_an_unknown_pattern_is_refused_naming_it_and_the_known() -> None:
    document = _cruddur_document()
    _pattern_doc(document, "update-message-group")["follows"] = [
        {"pattern": "move-summaries", "times": 2}
    ]
    with pytest.raises(ModelProblems) as caught:
        model_from_document(document, "cruddur.yaml")
    message = str(caught.value)
    assert "patterns.update-message-group.follows[0]" in caught.value.paths
    assert "'move-summaries'" in message and "'move-message-group'" in message
    assert "'list-messages'" in message  # the known patterns are listed
    # The same check for a model declared in Python.
    e = replace(CRUDDUR.pattern("E"), follows=(FollowUp("nope", 1),), build=None)
    patterns = [p if p.name != e.name else e for p in CRUDDUR.patterns]
    with pytest.raises(ModelError, match="follows unknown pattern 'nope'; known: \\["):
        Model(CRUDDUR.table, CRUDDUR.entities, patterns)


@pytest.mark.parametrize(
    "follows,expected",
    [
        ([{"pattern": "move-message-group", "times": 0}], "patterns.update-message-group"),
        ([{"pattern": "update-message-group"}], "follows itself"),
        ([{"pattern": "move-message-group", "every": 2}], "patterns.update-message-group"),
    ],
    ids=["zero-times", "itself", "unknown-key"],
)
def test_a_bad_follows_is_refused(follows: list, expected: str) -> None:
    document = _cruddur_document()
    _pattern_doc(document, "update-message-group")["follows"] = follows
    with pytest.raises(ModelProblems, match=expected):
        model_from_document(document)


def test_a_chain_of_follows_is_refused() -> None:
    document = _cruddur_document()
    _pattern_doc(document, "move-message-group")["follows"] = [{"pattern": "post-message"}]
    with pytest.raises(ModelProblems, match="which follows patterns itself"):
        model_from_document(document)


# -- follows: the cost --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cruddur_study():
    return open_study(MODELS / "cruddur.yaml", partitions=2, writes=3)


def test_each_move_is_measured_exactly_by_hand(cruddur_study) -> None:
    samples = cruddur_study.measured["move-message-group"].samples
    assert len(samples) == 3
    for sample in samples:
        delete, put = sample.request.params["TransactItems"]
        (old,) = sample.old_items  # the summary it moves, read before
        assert old["pk"] == delete["Delete"]["Key"]["pk"] == put["Put"]["Item"]["pk"]
        new = put["Put"]["Item"]
        # A transaction costs twice on the table per item (the delete and the put); the GSI
        # (projection ALL) loses the old entry and gains the new one: one write each.
        table = 2 * _kb(_size(old)) + 2 * _kb(_size(new))
        gsi = _kb(_size(old)) + _kb(_size(new))
        assert (sample.capacity.table, sample.capacity.indexes) == (
            table,
            {"message-group-sk-index": gsi},
        )
        assert not sample.capacity.at_least  # the put's key was read first: no item there
        assert sample.capacity.total == 6  # summaries are under 1 KB: 4 + 2


def test_e_costs_its_query_plus_two_moves(cruddur_study) -> None:
    costs = cruddur_study.costs()
    e, move = costs.loc["update-message-group"], costs.loc["move-message-group"]
    moves = cruddur_study.measured["move-message-group"].totals()
    move_mean = sum(moves) / len(moves)
    assert (e["unit"], e["units_mean"]) == ("RCU", 0.5)  # the GSI query, under 4 KB
    assert e["follows"] == "2 x move-message-group"
    assert (e["follow_rcu"], e["follow_wcu"]) == (0.0, 2 * move_mean) == (0.0, 12.0)
    # E happens once per message; each causes two moves: the move's traffic is E's times 2.
    assert e["requests_avg"] == pytest.approx(MESSAGES_PER_S)
    assert move["requests_avg"] == pytest.approx(2 * MESSAGES_PER_S)
    assert move["requests_peak"] == pytest.approx(2 * 4 * MESSAGES_PER_S)
    assert move["caused_by"] == "2 per update-message-group"
    # On-demand: 0.46296 queries/s x 0.5 RRU + 0.46296 x 2 x 6 WRU, a month of them.
    query = MESSAGES_PER_S * 0.5 * SECONDS_PER_MONTH / 1e6 * RRU_PER_MILLION
    writes = MESSAGES_PER_S * 2 * 6 * SECONDS_PER_MONTH / 1e6 * WRU_PER_MILLION
    assert e["on_demand_month"] == pytest.approx(query)
    assert move["on_demand_month"] == pytest.approx(writes)
    assert e["whole_on_demand_month"] == pytest.approx(query + writes)
    assert writes > 100 * query  # the moves are nearly all of E's cost
    # The totals hold the moves once (the move's own row), not twice.
    totals = cruddur_study.totals()
    assert totals["on_demand_month"] == pytest.approx(costs["on_demand_month"].sum())
    others = costs.drop(index=["update-message-group", "move-message-group"])
    assert totals["on_demand_month"] == pytest.approx(
        others["on_demand_month"].sum() + e["whole_on_demand_month"]
    )


def test_dropping_the_moves_would_show_in_every_figure(cruddur_study) -> None:
    # The same study with E's follows dropped: the moves get no traffic, E is its query only.
    e = replace(cruddur_study.model.pattern("E"), follows=())
    model = Model(
        cruddur_study.model.table,
        cruddur_study.model.entities,
        [e if p.name == e.name else p for p in cruddur_study.model.patterns],
    )
    bare = CostStudy(
        model,
        cruddur_study.traffic,
        cruddur_study.items,
        cruddur_study.measured,
        cruddur_study.prices,
    )
    with_moves, without = cruddur_study.costs(), bare.costs()
    assert without.loc["move-message-group", "requests_avg"] == 0
    assert without.loc["update-message-group", "follow_wcu"] == 0
    difference = cruddur_study.totals()["on_demand_month"] - bare.totals()["on_demand_month"]
    assert difference == pytest.approx(with_moves.loc["move-message-group", "on_demand_month"])
    # Both summaries move on every message: E writes the sparse GSI too, not only D.
    amplified = cruddur_study.amplification().set_index("pattern")
    assert set(amplified.index) == {"new-message-group", "move-message-group"}
    # Each move deletes the old summary's GSI entry and puts the new one: 2 GSI WCU, twice
    # per message.
    assert amplified.loc["move-message-group", "index_wcu_per_s"] == pytest.approx(
        2 * MESSAGES_PER_S * 2
    )
    bare_moves = bare.amplification().set_index("pattern").loc["move-message-group"]
    assert bare_moves["index_wcu_per_s"] == 0


def test_cli_cost_shows_e_whole() -> None:
    result = CliRunner().invoke(cli, ["model", "cost", str(MODELS / "cruddur.yaml")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    whole = [line for line in lines if "update-message-group whole" in line]
    assert whole and "Query + 2 x move-message-group" in whole[0]
    assert "0.5 RCU + 12 WCU/request" in whole[0]
    moves = [line for line in lines if line.startswith("move-message-group")]
    assert moves and "2 per update-message-group" in moves[0] and "6 WCU/request" in moves[0]


# -- a Scan at the profile's table size ---------------------------------------------------------

_SCAN_MODEL = """
format: 1
table:
  name: things
  partition_key: {name: pk, type: S}
  sort_key: {name: sk, type: S}
  billing: {mode: PAY_PER_REQUEST}
entities:
  Thing:
    keys: {pk: "THING#{thing_id}", sk: "META"}
    attributes:
      thing_id: {stored: false, generate: uuid}
      name: {generate: name}
      colour: {generate: {choice: [red, green, blue]}}
patterns:
  - name: every-thing
    operation: Scan
    returns: [Thing]
  - name: some-things
    operation: Scan
    limit: 50
    returns: [Thing]
"""

_SCAN_TRAFFIC = """
format: 1
patterns:
  every-thing: {average: 0.01}
  some-things: {average: 2}
entities:
  Thing: {items: 1600000}
sample_data: {seed: 3, counts: {Thing: 109}}
"""


@pytest.fixture(scope="module")
def scan_study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scan")
    (folder / "things.yaml").write_text(_SCAN_MODEL)
    (folder / "things.traffic.yaml").write_text(_SCAN_TRAFFIC)
    return folder, open_study(folder / "things.yaml", partitions=1, pages=1)


def test_a_scan_is_priced_at_the_profiles_table_size(scan_study) -> None:
    from workbench.model.items import to_item

    _folder, study = scan_study
    assert len(study.items) == 109
    mean = sum(_size(to_item(i)) for i in study.items) / len(study.items)
    costs = study.costs()
    every = costs.loc["every-thing"]
    # A Scan reads every item (1.6 M of them, of the sample's mean size), 4 KB per unit,
    # eventually consistent: half a unit.
    by_hand = math.ceil(1_600_000 * mean / 4096) * 0.5
    assert every["units_mean"] == pytest.approx(by_hand)
    assert every["units_mean"] > 1000  # not the sample's 109 items (a few units)
    assert every["on_demand_month"] == pytest.approx(
        0.01 * by_hand * SECONDS_PER_MONTH / 1e6 * RRU_PER_MILLION
    )
    assert every["on_demand_month"] > 1  # not "$0.00/month"
    assert "1,600,000 items" in every["basis"] and "109 sample items" in every["basis"]
    # With a limit, one request reads one page of that many items.
    some = costs.loc["some-things"]
    assert some["units_mean"] == pytest.approx(math.ceil(50 * mean / 4096) * 0.5)
    assert costs.loc["every-thing", "basis"] != "" and costs["basis"].str.len().gt(0).sum() == 2


def test_cli_cost_says_how_a_scan_is_priced(scan_study) -> None:
    folder, _study = scan_study
    result = CliRunner().invoke(cli, ["model", "cost", str(folder / "things.yaml")])
    assert result.exit_code == 0, result.output
    assert "a Scan priced at the profile's table size: 1,600,000 items" in result.output


# -- the NoSQL Workbench export carries the patterns ----------------------------------------------


def test_the_export_carries_the_patterns_and_the_import_reads_them_back() -> None:
    stored = json.loads((MODELS / "cruddur.json").read_text())
    carried = stored["DataModel"][0][KEY]
    e = next(p for p in carried["patterns"] if p["name"] == "update-message-group")
    assert (e["letter"], e["follows"]) == ("E", [{"pattern": "move-message-group", "times": 2}])
    back = load_model(MODELS / "cruddur.json")
    assert back.patterns == load_model(MODELS / "cruddur.yaml").patterns
    assert not any("starter" in message for _path, message in back.warnings)


def test_a_carried_part_of_the_wrong_shape_is_named_by_its_json_path() -> None:
    document = to_nosql_workbench(CRUDDUR)
    document["DataModel"][0][KEY] = {"format": 1, "patterns": "all of them"}
    with pytest.raises(ModelProblems, match=f"DataModel\\[0\\].{KEY}.patterns: must be a list"):
        import_document(document)
    document["DataModel"][0][KEY] = {"format": 1, "patterns": [{"name": "x"}]}
    with pytest.raises(ModelProblems, match="patterns"):
        import_document(document)  # checked as any model file's patterns are


def test_cli_cost_of_the_json_export_equals_the_yaml() -> None:
    runner = CliRunner()
    traffic = str(MODELS / "cruddur.traffic.yaml")
    figures = []
    for name in ("cruddur.json", "cruddur.yaml"):
        result = runner.invoke(
            cli, ["model", "cost", str(MODELS / name), "--traffic", traffic, "--json"]
        )
        assert result.exit_code == 0, result.output
        figures.append(json.loads(result.output))
    from_json, from_yaml = figures
    assert from_json["patterns"] == from_yaml["patterns"]
    assert from_json["totals"] == from_yaml["totals"]
    names = [p["pattern"] for p in from_json["patterns"]]
    assert names[-2:] == ["update-message-group", "move-message-group"]
