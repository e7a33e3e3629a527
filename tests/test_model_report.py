"""The model report: parameters from the data, every pattern run and checked, the notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml
from click.testing import CliRunner

from workbench.design import sampledata
from workbench.design.modelfile import load_model
from workbench.design.report import Report, run_pattern
from workbench.design.report.params import (
    parameters,
    parse_template,
    partitions,
    pick,
    sort_condition_holds,
)
from workbench.desk.notebooks import discover_models
from workbench.model.files import model_from_document

ROOT = Path(__file__).resolve().parent.parent
MODELS = discover_models(ROOT / "models")  # every example model but Cruddur's
SHOP = ROOT / "models" / "shop.yaml"


@pytest.mark.parametrize(
    "template,value,whole,expected",
    [
        ("ORDER#{order_id}", "ORDER#o-1", True, {"order_id": "o-1"}),
        ("ORDER#{order_id}", "CUST#c-1", True, None),
        ("{since}", 42, True, {"since": 42}),  # a whole field keeps the value's type
        (
            "TASK#{status}#{due}",
            "TASK#open#2026-01-02",
            True,
            {"status": "open", "due": "2026-01-02"},
        ),
        ("READING#{at}", "READING#2026-11-01T00:00:00", False, {"at": "2026-11-01T00:00:00"}),
    ],
)
def test_parse_template(template, value, whole, expected) -> None:
    assert parse_template(template, value, whole=whole) == expected


@pytest.mark.parametrize(
    "op,value,operands,expected",
    [
        ("=", "a", ["a"], True),
        ("<", "a", ["b"], True),
        ("<=", "b", ["a"], False),
        (">", 10, [9], True),  # numbers compare as numbers, not as text
        (">=", 9, [10], False),
        ("between", "m", ["a", "z"], True),
        ("between", "zz", ["a", "z"], False),
        ("begins_with", "ORDER#1", ["ORDER#"], True),
        ("begins_with", "ITEM#1", ["ORDER#"], False),
        ("=", None, ["a"], False),
    ],
)
def test_sort_condition_holds(op, value, operands, expected) -> None:
    assert sort_condition_holds(op, value, operands) is expected


@pytest.fixture(scope="module")
def shop_data():
    model = load_model(SHOP)
    return model, sampledata.generate(model, spec=sampledata.read_spec(SHOP))


def test_typical_and_largest_partitions_come_from_the_data(shop_data) -> None:
    model, items = shop_data
    pattern = model.pattern("customer-orders")
    found = partitions(model, pattern, items)
    sizes = [len(p.items) for p in found]
    assert sizes == sorted(sizes, reverse=True)
    assert pick(found, "largest").items == found[0].items
    typical = pick(found, "typical")
    assert len(typical.items) <= len(found[0].items)
    params = parameters(model, pattern, items, "largest")
    assert f"CUST#{params['customer_id']}" == found[0].value
    orders = [i for i in items if i.get("gsi1pk") == found[0].value]
    assert len(orders) == len(found[0].items) and all(o["sk"] == "ORDER" for o in orders)


def test_sort_parameters_select_part_of_the_partition(shop_data) -> None:
    model, items = shop_data
    params = parameters(model, model.pattern("customer-orders-between"), items, "largest")
    assert params["start"] < params["end"]
    dates = [i["order_date"] for i in items if i.get("gsi1pk") == f"CUST#{params['customer_id']}"]
    inside = [d for d in dates if params["start"] <= d <= params["end"]]
    assert 0 < len(inside) < len(dates)


def test_write_parameters_make_a_new_item_under_an_existing_parent(shop_data) -> None:
    model, items = shop_data
    params = parameters(model, model.pattern("place-order"), items)
    existing = {(i["pk"], i["sk"]) for i in items}
    order = model.entity("Order").item(**{n: params[n] for n in model.entity("Order").fields})
    assert (order["pk"], order["sk"]) not in existing
    assert params["customer_id"] in {i["customer_id"] for i in items if i["sk"] == "PROFILE"}


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_every_pattern_of_every_example_model_runs_and_passes_its_checks(moto_engine, path):
    model = load_model(path)
    report = Report(model, moto_engine, spec=sampledata.read_spec(path))
    loaded = report.load()
    assert loaded.written == len(report.items)
    runs = report.run_patterns()
    assert report.failures() == []
    assert {r.pattern for r in runs} == {p.name for p in model.patterns}
    for run in runs:
        assert run.capacity is not None and run.capacity.total > 0, run.pattern
        if run.expected is not None:
            assert len(run.items) == run.expected
    frame = report.runs_frame()
    assert list(frame["checks"].unique()) == ["ok"]
    assert set(report.gsi_views()) == {i.name for i in model.table.indexes}


def test_a_pattern_returning_entities_it_does_not_declare_fails_its_check(moto_engine):
    document = yaml.safe_load(SHOP.read_text())
    for pattern in document["patterns"]:
        if pattern["name"] == "order-with-details":
            pattern["returns"] = ["Order"]  # but the query reads the whole item collection
    model = model_from_document(document)
    report = Report(model, moto_engine, spec=sampledata.read_spec(SHOP))
    report.load()
    pattern = model.pattern("order-with-details")
    run = run_pattern(
        moto_engine, model, pattern, report.parameters(pattern, "largest"), data=report.items
    )
    assert not run.ok
    assert any("'OrderItem'" in p and "does not declare" in p for p in run.problems)


def test_a_failed_request_is_a_problem_not_an_exception(moto_engine, shop_data) -> None:
    model, items = shop_data
    pattern = model.pattern("customer-orders")
    run = run_pattern(
        moto_engine, model, pattern, parameters(model, pattern, items), table_name="no-such-table"
    )
    assert not run.ok and run.request is not None
    assert "does not exist" in run.problems[0]


def test_the_report_notebook_runs_under_papermill(tmp_path) -> None:
    from workbench.cli import cli

    # `workbench model report FILE -o DIR`: papermill, on in-process moto in the kernel.
    result = CliRunner().invoke(
        cli, ["model", "report", str(ROOT / "models" / "devices.yaml"), "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("report of ") and "devices.html" in result.output
    notebook = nbformat.read(tmp_path / "devices.ipynb", as_version=4)
    errors = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert errors == []
    text = "\n".join(str(o.get("text", "")) for c in notebook.cells for o in c.get("outputs", []))
    assert "loaded " in text and "into 'device-log'" in text
    html = (tmp_path / "devices.html").read_text()
    assert "latest-readings" in html and "alarms-by-severity" in html


def test_model_report_cli_refuses_a_bad_model_in_one_line(tmp_path) -> None:
    from workbench.cli import cli

    bad = tmp_path / "bad.yaml"
    document = yaml.safe_load(SHOP.read_text())
    document["entities"]["Order"]["keys"]["sk"] = "ORDER#{order_day}"
    bad.write_text(yaml.safe_dump(document))
    result = CliRunner().invoke(cli, ["model", "report", str(bad), "-o", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "order_day" in lines[0]
    assert not (tmp_path / "bad.ipynb").exists()


def test_the_report_template_matches_its_source() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_notebooks", ROOT / "tools" / "build_notebooks.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.sources_match(tool.REPORT_SOURCE, tool.REPORT_TARGET)
    template = nbformat.read(tool.REPORT_TARGET, as_version=4)
    tagged = [c for c in template.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "model_file" in tagged[0].source


def test_make_run_reports_every_model_but_cruddur() -> None:
    found = [p.name for p in discover_models(ROOT / "models")]
    assert {"shop.yaml", "devices.yaml", "saas.yaml"} <= set(found)
    assert "cruddur.yaml" not in found
    assert not [name for name in found if name.count(".") > 1]  # no NAME.traffic.yaml


@pytest.mark.server
def test_the_make_run_report_runs_on_the_managed_server_twice(local_server, tmp_path) -> None:
    from workbench.desk.notebooks import run_model_report, summary

    # Twice on one server: the second run starts from a fresh table, so the first run's
    # writes cannot change its checks.
    for _ in range(2):
        outcome = run_model_report(
            str(ROOT / "models" / "saas.yaml"),
            local_server.endpoint,
            str(tmp_path),
            local_server.secret,
        )
        assert outcome.status == "passed", outcome.error
    assert (tmp_path / "models" / "saas.html").exists()
    text = summary([outcome], 1.0, tmp_path)
    assert "models/saas.yaml" in text and f"model reports in {tmp_path}/models" in text
