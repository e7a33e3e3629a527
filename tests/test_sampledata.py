"""Sample data: seeded, counted per parent, skewed on request, loaded; the example models."""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from workbench.design import modelfile, sampledata
from workbench.design.modelfile import load_model
from workbench.design.sampledata import Count, SampleSpec
from workbench.desk.notebooks import discover_models
from workbench.errors import ModelError, WorkbenchError
from workbench.model.files import model_from_document

ROOT = Path(__file__).resolve().parent.parent
MODELS = discover_models(ROOT / "models")  # every example model but Cruddur's
SHOP = ROOT / "models" / "shop.yaml"


@pytest.fixture(scope="module")
def shop():
    return load_model(SHOP)


def _by_entity(model, items, name):
    return [i for i in items if model.entity_for(i).name == name]


def test_there_are_at_least_three_example_models_with_six_patterns_each() -> None:
    assert len(MODELS) >= 3
    for path in MODELS:
        assert len(load_model(path).patterns) >= 6, path.name


def test_the_same_seed_gives_the_same_items(shop) -> None:
    first = sampledata.generate(shop, seed=5)
    again = sampledata.generate(shop, seed=5)
    assert first == again
    assert len(first) > 50


def test_a_different_seed_gives_different_items(shop) -> None:
    first = sampledata.generate(shop, seed=5)
    other = sampledata.generate(shop, seed=6)
    assert first != other
    keys = {(i["pk"], i["sk"]) for i in first}
    assert not keys & {(i["pk"], i["sk"]) for i in other}


def test_counts_per_entity_and_per_parent(shop) -> None:
    counts = {
        "Customer": 7,
        "Order": Count(per_parent=(2, 2)),
        "OrderItem": Count(per_parent=(3, 8)),
    }
    items = sampledata.generate(shop, seed=1, counts=counts)
    assert len(_by_entity(shop, items, "Customer")) == 7
    orders = _by_entity(shop, items, "Order")
    assert len(orders) == 14
    per_customer = Counter(o["customer_id"] for o in orders)
    assert set(per_customer.values()) == {2}
    per_order = Counter(i["pk"] for i in _by_entity(shop, items, "OrderItem"))
    assert set(per_order) == {o["pk"] for o in orders}  # every order has its items
    assert min(per_order.values()) >= 3 and max(per_order.values()) <= 8
    assert len(set(per_order.values())) > 1  # a range, not a constant


def test_count_overrides_every_top_level_entity(shop) -> None:
    items = sampledata.generate(shop, seed=1, count=3, spec=sampledata.read_spec(SHOP))
    assert len(_by_entity(shop, items, "Customer")) == 3


def test_children_refer_to_their_parents(shop) -> None:
    items = sampledata.generate(shop, seed=2, spec=sampledata.read_spec(SHOP))
    customers = {c["customer_id"] for c in _by_entity(shop, items, "Customer")}
    assert {o["customer_id"] for o in _by_entity(shop, items, "Order")} <= customers
    for order in _by_entity(shop, items, "Order"):
        assert order["gsi1pk"] == f"CUST#{order['customer_id']}"
        assert order["gsi2pk"] == f"STATUS#{order['status']}"


def test_a_reference_to_another_entity_stays_within_the_shared_key() -> None:
    # A task's assignee is a user of the task's own tenant, not of any tenant.
    path = ROOT / "models" / "saas.yaml"
    model = load_model(path)
    items = sampledata.generate(model, spec=sampledata.read_spec(path))
    tenant_of = {u["user_id"]: u["tenant_id"] for u in _by_entity(model, items, "User")}
    tasks = _by_entity(model, items, "Task")
    assert tasks
    assert all(tenant_of[t["assignee_id"]] == t["tenant_id"] for t in tasks)


def test_skew_makes_the_top_partition_much_bigger_than_the_median(shop) -> None:
    def sizes(skew: float) -> list[int]:
        counts = {"Customer": 40, "Order": Count(per_parent=(2, 6), skew=skew)}
        items = sampledata.generate(shop, seed=3, counts=counts)
        orders = Counter(o["customer_id"] for o in _by_entity(shop, items, "Order"))
        return list(orders.values())

    even, skewed = sizes(0.0), sizes(1.5)
    assert max(even) <= 6
    assert max(skewed) >= 5 * statistics.median(skewed)
    assert sampledata.skew_ratio(skewed) > 3 * sampledata.skew_ratio(even)


def test_values_follow_their_hints_and_types(shop) -> None:
    items = sampledata.generate(shop, seed=4)
    orders = _by_entity(shop, items, "Order")
    assert {o["status"] for o in orders} <= {"placed", "paid", "shipped", "delivered"}
    assert all(
        isinstance(o["order_total"], int) and 500 <= o["order_total"] <= 50000 for o in orders
    )
    assert all("@" in c["email"] for c in _by_entity(shop, items, "Customer"))
    assert all(i["sk"].startswith("ITEM#SKU-") for i in _by_entity(shop, items, "OrderItem"))


def _document(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_the_sample_data_section_is_read_and_checked() -> None:
    spec = sampledata.read_spec(SHOP)
    assert spec.seed == 1
    assert spec.counts["OrderItem"] == Count(per_parent=(3, 8))
    with pytest.raises(ModelError) as caught:
        SampleSpec.from_document({"counts": {"Order": {"per_parent": [5, 2]}, "X": "many"}})
    assert "sample_data.counts.Order" in str(caught.value)
    assert "sample_data.counts.X" in str(caught.value)


def test_a_model_file_with_a_bad_sample_data_section_is_refused() -> None:
    document = _document(SHOP)
    document["sample_data"]["counts"]["Order"] = {"per_parent": "lots"}
    with pytest.raises(ModelError) as caught:
        model_from_document(document)
    assert "sample_data" in str(caught.value)


def test_unknown_entities_in_counts_are_named(shop) -> None:
    with pytest.raises(ModelError, match=r"\['Basket'\].*known"):
        sampledata.generate(shop, counts={"Basket": 3})


def test_the_items_given_in_the_file_are_used_as_they_are() -> None:
    document = _document(SHOP)
    document["entities"]["Customer"]["samples"] = [
        {
            "customer_id": "c-1",
            "email": "ada@example.com",
            "name": "Ada",
            "city": "Oslo",
            "created_at": "2026-01-01T00:00:00+00:00",
        }
    ]
    model = model_from_document(document)
    items = sampledata.sample_items(model)
    assert items == [
        model.entity("Customer").item(
            customer_id="c-1",
            email="ada@example.com",
            name="Ada",
            city="Oslo",
            created_at="2026-01-01T00:00:00+00:00",
        )
    ]
    assert len(sampledata.sample_items(model, seed=1)) > 1  # a seed asks for generated data


def test_file_source_without_samples_is_refused(shop) -> None:
    with pytest.raises(WorkbenchError, match="gives no sample items"):
        sampledata.sample_items(shop, source="file")
    with pytest.raises(WorkbenchError, match="'everything' is not one of"):
        sampledata.sample_items(shop, source="everything")


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_every_example_model_checks_loads_and_runs_its_examples(moto_engine, path) -> None:
    model = modelfile.check_model(path)
    loaded = sampledata.load_file(moto_engine, path)
    assert loaded.written == sum(loaded.counts.values()) > 0
    assert set(loaded.counts) == {e.name for e in model.entities}
    # `workbench model run FILE`: every pattern with its example, on the loaded data.
    for result in modelfile.run_patterns(moto_engine, model):
        pattern = model.pattern(result["pattern"])
        entities = {model.entity_for(i).name for i in result["items"]}
        assert entities <= set(pattern.returns), pattern.name
        if pattern.operation in ("Query", "GetItem"):
            assert result["items"], f"{pattern.name}: its example finds nothing"


def test_model_load_cli(moto_engine, table_name) -> None:
    from workbench.cli import cli

    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "model",
            "load",
            str(SHOP),
            "--engine",
            "moto",
            "--count",
            "2",
            "--seed",
            "9",
            "--table",
            table_name,
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("loaded ") and f"'{table_name}'" in result.output
    assert "Customer 2," in result.output and "seed 9" in result.output
    bad = runner.invoke(cli, ["model", "load", str(SHOP), "--engine", "moto", "--source", "file"])
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines() == [
        "Error: the model file gives no sample items (no entity has `samples:`)"
    ]


# -- counts below 1, and a table that already holds items (issue 16) ------------------------


def test_a_count_below_one_is_refused_in_one_line(shop, moto_engine, table_name) -> None:
    from workbench.cli import cli

    for bad in (0, -1, True, 2.5):
        with pytest.raises(ModelError, match=rf"count {bad!r} is out of range: .* >= 1"):
            sampledata.generate(shop, count=bad)
    # A parent entity with no items gives its children none (was: float division by zero).
    items = sampledata.generate(shop, counts={"Customer": 0}, spec=sampledata.read_spec(SHOP))
    assert not _by_entity(shop, items, "Customer") and not _by_entity(shop, items, "Order")
    for command in ("load", "report"):
        result = CliRunner().invoke(cli, ["model", command, str(SHOP), "--count", "0"])
        assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
        assert "'--count': 0 is not in the range 1<=x<=100000" in result.output
        assert "Traceback" not in result.output and "division" not in result.output
    assert table_name not in moto_engine.client().list_tables()["TableNames"]


def test_model_load_into_a_table_with_items_refuses_merges_or_replaces(
    moto_engine, table_name, monkeypatch
) -> None:
    from workbench.cli import cli, common

    runner = CliRunner()
    base = ["model", "load", str(SHOP), "--engine", "moto", "--table", table_name, "--count"]
    first = runner.invoke(cli, [*base, "2"])
    assert first.exit_code == 0, first.output
    client = moto_engine.client()
    client.put_item(TableName=table_name, Item={"pk": {"S": "LIVE#1"}, "sk": {"S": "x"}})

    def stored() -> list:
        return client.scan(TableName=table_name, ConsistentRead=True)["Items"]

    before = stored()
    held = len(before)
    # The same seed and count write the same keys: every sample item overwrites one.
    refused = runner.invoke(cli, [*base, "2"])
    assert refused.exit_code == 1 and refused.output.count("\n") == 1, refused.output
    assert refused.output.startswith(
        f"Error: table {table_name!r} already holds {held} items: {held - 1} would be "
        f"overwritten by the {held - 1} new items (same key), 1 have other keys; nothing was "
        "written."
    )
    assert stored() == before
    merged = runner.invoke(cli, [*base, "2", "--merge"])
    assert merged.exit_code == 0, merged.output
    assert merged.output.rstrip().endswith(f"; {held - 1} overwritten, 1 kept (merge)")
    assert len(stored()) == held
    # On a terminal it asks; the answer replace leaves only the sample items.
    monkeypatch.setattr(common, "stdin_is_terminal", lambda: True)
    replaced = runner.invoke(cli, [*base, "2"], input="replace\n")
    assert replaced.exit_code == 0, replaced.output
    assert "merge (overwrite those with the same key" in replaced.output
    assert replaced.output.rstrip().endswith(f"; {held - 1} overwritten, 1 deleted (replace)")
    assert {i["pk"]["S"] for i in stored()} == {i["pk"]["S"] for i in before} - {"LIVE#1"}
    # The library takes the same argument.
    loaded = sampledata.load_file(moto_engine, SHOP, table_name, count=2, mode="merge")
    assert (loaded.overwritten, loaded.kept, loaded.deleted) == (held - 1, 0, 0)


def test_a_memo_classifies_each_item_once_and_changes_nothing(shop, monkeypatch) -> None:
    """The cost study's writes call ``write_parameters`` on a shrinking pool: with a memo each
    item's entity is worked out once, and every call gives what it gives without one."""
    from workbench.design.report.params import write_parameters
    from workbench.model.core import Model

    items = sampledata.sample_items(shop, source="generate", seed=3)
    writes = [p for p in shop.patterns if p.operation in ("PutItem", "UpdateItem", "DeleteItem")]
    assert writes
    plain = [[write_parameters(shop, p, items[k:], seed=k) for k in range(3)] for p in writes]
    calls = Counter()
    original = Model.entity_for

    def counted(self, item):
        calls[id(item)] += 1
        return original(self, item)

    monkeypatch.setattr(Model, "entity_for", counted)
    memo: dict = {}
    remembered = [
        [write_parameters(shop, p, items[k:], seed=k, memo=memo) for k in range(3)] for p in writes
    ]
    assert remembered == plain
    assert len(calls) == len(items) and set(calls.values()) == {1}
