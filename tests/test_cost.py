"""What a design costs: prices, traffic profiles, capacity per request recomputed by hand from
the documented rules (docs/capacity.md), dollars by hand, hot partitions, amplification, CLI."""

from __future__ import annotations

import json
import math
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ref_number, ref_size

from workbench.cli import cli
from workbench.design import sampledata
from workbench.design.cost import (
    PriceError,
    TrafficProblems,
    load_traffic,
    measure,
    open_study,
    percentile,
    prices,
    traffic_from_document,
)
from workbench.design.cost.hot import sharding
from workbench.design.modelfile import load_model

MODELS = Path(__file__).resolve().parent.parent / "models"

# The documented us-east-1 prices (docs/cost.md, since 2024-11-01), written out by hand.
WRU_PER_MILLION, RRU_PER_MILLION = 0.625, 0.125
WCU_HOUR, RCU_HOUR = 0.00065, 0.00013
HOURS = 730


def test_prices_are_dated_and_keyed_by_region() -> None:
    p = prices("us-east-1")
    assert (p.write_per_million, p.read_per_million) == (WRU_PER_MILLION, RRU_PER_MILLION)
    assert (p.wcu_hour, p.rcu_hour, p.gb_month, p.free_gb) == (WCU_HOUR, RCU_HOUR, 0.25, 25)
    assert p.label == "us-east-1 prices of 2024-11-01"
    # 1 WCU held a month: 0.00065 x 730; 1 WCU/s on demand: 2,628,000 units x 0.625 / 1e6.
    assert p.break_even(read=False) == pytest.approx((WCU_HOUR * HOURS) / (2.628 * 0.625))
    with pytest.raises(PriceError, match=r"'eu-nowhere-1'.*known for: \['us-east-1'\]"):
        prices("eu-nowhere-1")
    with pytest.raises(PriceError, match="2024-11-01"):
        prices("us-east-1", on="2020-01-01")


def test_percentile_is_nearest_rank() -> None:
    assert percentile([4, 1, 3, 2], 0.5) == 2
    assert percentile(list(range(1, 21)), 0.95) == 19
    assert percentile([], 0.5) == 0.0


# -- traffic profiles -----------------------------------------------------------------------


def test_cruddur_profile_derives_rates_from_its_users() -> None:
    model = load_model(MODELS / "cruddur.yaml")
    traffic = load_traffic(MODELS / "cruddur.traffic.yaml", model)
    messages = 2000 * 20 / 86400
    assert traffic.of("list-messages").average == pytest.approx(messages * 3)
    assert traffic.of("list-messages").peak == pytest.approx(messages * 3 * 4)
    assert traffic.of("new-message-group").average == pytest.approx(messages * 0.05)
    assert traffic.entities["Message"].items == 2000 * 20 * 365
    assert traffic.of("no-such-pattern").average == 0


def test_a_bad_profile_names_every_problem_with_its_path() -> None:
    model = load_model(MODELS / "shop.yaml")
    doc = {
        "variables": {"users": 10},
        "patterns": {
            "get-customer": {"average": "users * visits", "peak": 1},
            "nope": 1,
            "customer-orders": {"average": 5, "peak": 2, "consistency": "sometimes"},
            "place-order": {"average": -1},
        },
        "entities": {"Ghost": 5},
        "utilisation": 1.5,
        "colour": "blue",
    }
    with pytest.raises(TrafficProblems) as caught:
        traffic_from_document(doc, model, "shop.traffic.yaml")
    paths = caught.value.paths
    for path in (
        "patterns.get-customer.average",
        "patterns.nope",
        "patterns.customer-orders.peak",
        "patterns.customer-orders.consistency",
        "patterns.place-order.average",
        "entities.Ghost",
        "utilisation",
        "colour",
    ):
        assert path in paths, (path, paths)
    assert "unknown variable 'visits'" in str(caught.value)
    with pytest.raises(TrafficProblems, match="only numbers, variables"):
        traffic_from_document({"patterns": {"get-customer": "__import__('os')"}}, model)


# -- capacity per request, recomputed by hand ----------------------------------------------


@pytest.fixture
def cruddur_measured(moto_engine):
    """Cruddur's sample data loaded in moto, every pattern measured (each sample kept)."""
    model = load_model(MODELS / "cruddur.yaml")
    traffic = load_traffic(MODELS / "cruddur.traffic.yaml", model)
    spec = sampledata.SampleSpec.from_document(traffic.sample_data)
    items = sampledata.sample_items(model, source="generate", seed=spec.seed, spec=spec)
    sampledata.load(moto_engine, model, "cost-test", source="generate", seed=spec.seed, spec=spec)
    measured = measure(moto_engine, model, items, table_name="cost-test", partitions=3, writes=2)
    return model, measured, moto_engine


def test_query_units_by_hand(cruddur_measured) -> None:
    _model, measured, _engine = cruddur_measured
    for sample in measured["list-messages"].samples:
        # A Query adds up the page's item sizes, rounds up to 4 KB once; eventually consistent.
        size = sum(ref_size(i) for i in sample.response["Items"])
        assert sample.capacity.total == max(1, math.ceil(size / 4096)) * 0.5
    gsi = measured["update-message-group"].samples[0]
    assert gsi.capacity.indexes == {"message-group-sk-index": 0.5}  # a GSI read: to the index


def test_put_and_transaction_units_by_hand(cruddur_measured) -> None:
    model, measured, _engine = cruddur_measured
    put = measured["post-message"].samples[0]
    item = put.request.params["Item"]
    # A new Message: its size rounded up to 1 KB; it has no message_group_uuid, so no GSI write.
    assert put.capacity.total == math.ceil(ref_size(item) / 1024)
    assert "message_group_uuid" not in item and put.capacity.indexes == {}
    d = measured["new-message-group"].samples[0]
    puts = [a["Put"]["Item"] for a in d.request.params["TransactItems"]]
    table = 2 * sum(math.ceil(ref_size(i) / 1024) for i in puts)  # transactions count twice
    gsi = sum(math.ceil(ref_size(i) / 1024) for i in puts if "message_group_uuid" in i)  # once
    assert (d.capacity.table, d.capacity.indexes) == (table, {"message-group-sk-index": gsi})
    assert d.capacity.total == 8 == table + gsi  # the documented figure: 6 + 2


def test_getitem_and_updateitem_units_by_hand(moto_engine) -> None:
    model = load_model(MODELS / "shop.yaml")
    spec = sampledata.read_spec(MODELS / "shop.yaml")
    items = sampledata.sample_items(model, source="generate", seed=spec.seed, spec=spec)
    sampledata.load(moto_engine, model, "shop-cost", source="generate", seed=spec.seed, spec=spec)
    measured = measure(moto_engine, model, items, table_name="shop-cost", partitions=2, writes=2)
    for sample in measured["get-customer"].samples:
        half = 1.0 if sample.request.params.get("ConsistentRead") else 0.5
        assert sample.capacity.total == math.ceil(ref_size(sample.response["Item"]) / 4096) * half
    client = moto_engine.client()
    for sample in measured["adjust-order-total"].samples:
        (old,) = sample.old_items
        new = client.get_item(TableName="shop-cost", Key=sample.request.params["Key"])["Item"]
        # An update is charged on the larger of the old and the new item, per 1 KB.
        table = math.ceil(max(ref_size(old), ref_size(new)) / 1024)
        assert sample.capacity.table == table
        # gsi1 keys are untouched by the total; orders-by-status holds the order: rewritten
        # only if its entry changed (ALL projection: the total is in it).
        for name, units in sample.capacity.indexes.items():
            assert units == math.ceil(max(ref_size(old), ref_size(new)) / 1024), name


# -- dollars by hand ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cruddur_study():
    return open_study(MODELS / "cruddur.yaml", partitions=3, writes=2)


def test_dollars_of_one_pattern_in_both_modes_by_hand(cruddur_study) -> None:
    row = cruddur_study.costs().loc["post-message"]
    average = 2000 * 20 / 86400 * 0.95
    peak = average * 4
    units = row["units_mean"]
    assert units == 1.0  # a Message is well under 1 KB
    assert row["on_demand_month"] == pytest.approx(
        average * units * 3600 * HOURS / 1e6 * WRU_PER_MILLION
    )
    assert row["provisioned_peak_month"] == pytest.approx(
        peak * row["units_p95"] * WCU_HOUR * HOURS
    )
    assert row["autoscaled_month"] == pytest.approx(average * units / 0.7 * WCU_HOUR * HOURS)
    assert row["prices"] == "us-east-1 prices of 2024-11-01"


def test_dollars_of_pattern_d_which_writes_the_gsi_by_hand(cruddur_study) -> None:
    row = cruddur_study.costs().loc["new-message-group"]
    # Every D is the same transaction: 3 puts of under 1 KB, 2 x 3 = 6 WCU on the table (a
    # transaction counts twice) + 2 on the GSI (the two summaries carry message_group_uuid).
    assert (row["units_mean"], row["units_p95"], row["table_units"]) == (8.0, 8.0, 6.0)
    assert row["index_units"] == {"message-group-sk-index": 2.0}
    # Traffic (models/cruddur.traffic.yaml): 2,000 users x 20 messages a day / 86,400 s
    # = 0.46296 messages/s, 5% of them open a conversation: 0.023148 D/s; peak 4x: 0.092593.
    average = 2000 * 20 / 86400 * 0.05
    peak = average * 4
    # On-demand: 0.023148 x 8 = 0.185185 WRU/s x 3,600 x 730 s = 486,667 WRU a month,
    # x $0.625 per million = $0.30417.
    assert row["on_demand_month"] == pytest.approx(
        average * 8 * 3600 * HOURS / 1e6 * WRU_PER_MILLION
    )
    assert row["on_demand_month"] == pytest.approx(0.3041667, rel=1e-6)
    # Provisioned for the peak: 0.092593 x 8 = 0.740741 WCU held 730 hours x $0.00065 = $0.35148.
    assert row["provisioned_peak_month"] == pytest.approx(peak * 8 * WCU_HOUR * HOURS)
    assert row["provisioned_peak_month"] == pytest.approx(0.3514815, rel=1e-6)
    # Auto scaling at 70% utilisation: 0.185185 / 0.7 = 0.264550 WCU x 730 x $0.00065 = $0.12553.
    assert row["autoscaled_month"] == pytest.approx(average * 8 / 0.7 * WCU_HOUR * HOURS)
    assert row["autoscaled_month"] == pytest.approx(0.1255291, rel=1e-6)
    assert (row["unit"], row["prices"]) == ("WCU", "us-east-1 prices of 2024-11-01")


def test_storage_adds_100_bytes_per_item_per_index(cruddur_study) -> None:
    storage = cruddur_study.storage()
    groups = [i for i in cruddur_study.items if str(i["pk"]).startswith("GRP#")]
    from workbench.model.items import to_item

    # A summary is in the table and (it carries message_group_uuid) in the ALL-projected GSI.
    by_hand = sum(2 * (ref_size(to_item(g)) + 100) for g in groups) / len(groups)
    assert storage.loc["MessageGroup", "bytes_per_item"] == pytest.approx(by_hand)
    assert storage.loc["Message", "items_now"] == 2000 * 20 * 365
    totals = cruddur_study.totals()
    assert totals["storage_month_now"] == max(0, totals["gb_now"] - 25) * 0.25


def test_the_bootcamps_5_5_table_throttles_first_on_table_writes(cruddur_study) -> None:
    # Pattern E's moves (2 transactions per message, issue 18) make the table's 5 WCU run out
    # first; of the reads, A asks most of the table's 5 RCU.
    headroom = cruddur_study.headroom().set_index(["where", "unit"])
    costs = cruddur_study.costs()
    for unit, mostly in (("WCU", "move-message-group"), ("RCU", "list-messages")):
        rows = [
            n
            for n in costs.index
            if costs.loc[n, "unit"] == unit and costs.loc[n, "table_units"] > 0
        ]
        demand = sum(costs.loc[n, "requests_peak"] * costs.loc[n, "table_units"] for n in rows)
        assert headroom.loc[("table", unit), "throttles_at"] == pytest.approx(5 / demand)
        assert headroom.loc[("table", unit), "mostly"] == mostly
    assert headroom.index[0] == ("table", "WCU")


def test_gsi_amplification_of_pattern_d(cruddur_study) -> None:
    frame = cruddur_study.amplification().set_index("pattern")
    d = frame.loc["new-message-group"]
    assert (d["table_wcu"], d["index_wcu"]) == (6.0, 2.0)
    assert d["keys_only_wcu"] <= d["index_wcu"]
    assert "post-message" not in frame.index  # messages are not in the sparse GSI


# -- hot partitions ---------------------------------------------------------------------------


def _study(profile: str):
    return open_study(MODELS / "devices.yaml", MODELS / profile, partitions=2, writes=2)


def test_a_skewed_profile_names_the_busiest_device() -> None:
    study = _study("devices-skewed.traffic.yaml")
    readings = Counter(i["pk"] for i in study.items if str(i["sk"]).startswith("READING#"))
    busiest = readings.most_common(1)[0][0]
    hot = study.hot_keys()
    assert hot and busiest in hot[0] and "record-reading" in hot[0]
    top = study.partitions().iloc[0]
    # 1,500 readings/s, each 2 x 1 WCU for the reading (in proportion to the readings each
    # device holds) and 2 x 1 WCU for its latest state (one per device: 1/12 each).
    by_hand = 1500 * 2 * readings[busiest] / sum(readings.values()) + 1500 * 2 / 12
    assert top["key"] == busiest and top["wcu_per_s"] == pytest.approx(by_hand)
    shards = study.sharding()
    assert shards.loc[1, "throttles"] and not shards.iloc[-1]["throttles"]
    assert shards.iloc[-1]["wcu_per_s_per_shard"] == pytest.approx(by_hand / shards.index[-1])


def test_a_uniform_profile_names_no_key() -> None:
    study = _study("devices-uniform.traffic.yaml")
    assert study.hot_keys() == []
    assert study.partitions()["wcu_per_s"].max() == pytest.approx(1500 * 4 / 12)


def test_sharding_by_hand() -> None:
    frame = sharding(2500.0)
    assert frame.attrs["needed"] == 3
    assert list(frame.index) == [1, 2, 3, 4]
    assert list(frame["throttles"]) == [True, True, False, False]


# -- the CLI ----------------------------------------------------------------------------------


def test_cli_cost_prints_units_and_dollars_with_the_price_date() -> None:
    result = CliRunner().invoke(cli, ["model", "cost", str(MODELS / "cruddur.yaml")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("post-message")]
    assert lines and "1 WCU/request" in lines[0] and "on-demand" in lines[0]
    assert "provisioned" in lines[0] and "(us-east-1 prices of 2024-11-01)" in lines[0]
    result = CliRunner().invoke(cli, ["model", "cost", str(MODELS / "shop.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["prices"] == {"region": "us-east-1", "since": "2024-11-01", "hours_per_month": 730}
    assert {p["pattern"] for p in data["patterns"]} >= {"get-customer", "place-order"}


def test_cli_cost_refuses_bad_input_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["model", "cost", str(MODELS / "shop.yaml"), "--region", "mars-1"]
    )
    assert result.exit_code == 1
    assert "'mars-1'" in result.output and "us-east-1" in result.output
    assert "Traceback" not in result.output
    bad = tmp_path / "bad.traffic.yaml"
    bad.write_text("patterns: {nope: 1, get-customer: {average: -2}}\n")
    result = CliRunner().invoke(
        cli, ["model", "cost", str(MODELS / "shop.yaml"), "--traffic", str(bad)]
    )
    assert result.exit_code == 1
    assert "patterns.nope" in result.output and "patterns.get-customer.average" in result.output


def test_numbers_by_hand_agree_with_the_package() -> None:
    from workbench.model.capacity import item_size

    item = {"n": {"N": "-123.45"}, "m": {"M": {"a": {"BOOL": True}}}, "s": {"S": "é"}}
    assert ref_size(item) == item_size(item)
    assert ref_number(str(Decimal("1500"))) == 2
