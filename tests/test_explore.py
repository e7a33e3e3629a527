"""wb.explore: the form's handlers driven without a browser, on in-process moto."""

from __future__ import annotations

from pathlib import Path

import pytest

import workbench as wb
from workbench.design import sampledata
from workbench.design.modelfile import load_model
from workbench.model.builder import RequestBuilder

ROOT = Path(__file__).resolve().parent.parent
DEVICES = ROOT / "models" / "devices.yaml"


@pytest.fixture
def loaded(moto_engine):
    model = load_model(DEVICES)
    done = sampledata.load(moto_engine, model, spec=sampledata.read_spec(DEVICES))
    items = sampledata.generate(model, spec=sampledata.read_spec(DEVICES))
    assert done.written == len(items)
    return model, items


def test_choosing_a_pattern_shows_its_parameters_filled_from_the_data(moto_engine, loaded):
    model, items = loaded
    explorer = wb.explore(model, moto_engine, items=items)
    explorer.pattern.value = "readings-between"  # the dropdown's observer rebuilds the form
    names = [box.description for box in explorer.params_box.children]
    assert names == RequestBuilder(model).parameters("readings-between")
    assert explorer.params["device_id"].value.startswith("dev-")
    assert explorer.params["start"].value < explorer.params["end"].value
    assert explorer.params["limit"].value == ""


def test_run_shows_the_request_the_items_and_the_capacity(moto_engine, loaded):
    model, items = loaded
    explorer = wb.explore(model, moto_engine, items=items)
    explorer.pattern.value = "device-alarms"
    run = explorer.run()
    assert run is not None and run.ok, run.problems
    assert "KeyConditionExpression" in explorer.request_view.value
    assert "ALARM#" in explorer.request_view.value
    assert set(explorer.frame["entity"]) == {"Alarm"}
    assert len(explorer.frame) == len(run.items) > 0
    assert "<table" in explorer.items_view.value
    assert "RCU" in explorer.capacity_view.value
    assert "checks: ok" in explorer.status.value


def test_next_page_continues_where_the_page_ended(moto_engine, loaded):
    model, items = loaded
    explorer = wb.explore(model, moto_engine, items=items)
    explorer.pattern.value = "latest-readings"
    explorer.params["limit"].value = "5"
    first = explorer.run()
    assert len(first.items) == 5 and not explorer.next_button.disabled
    second = explorer.next_page()
    assert len(second.items) == 5
    assert {i["sk"] for i in first.items}.isdisjoint({i["sk"] for i in second.items})
    assert max(i["sk"] for i in second.items) < min(i["sk"] for i in first.items)  # newest first


def test_a_missing_parameter_is_shown_not_raised(moto_engine, loaded):
    model, items = loaded
    explorer = wb.explore(model, moto_engine, items=items)
    explorer.pattern.value = "get-device"
    explorer.params["device_id"].value = ""
    assert explorer.run() is None
    assert "device_id" in explorer.status.value and "needs" in explorer.status.value
    assert explorer.last_run is None


def test_without_an_engine_the_form_only_dry_runs() -> None:
    explorer = wb.explore(DEVICES)  # a model file's path will do
    assert explorer.run_button.disabled
    explorer.pattern.value = "alarms-by-severity"
    explorer.params["severity"].value = "critical"
    explorer.params["since"].value = "2026-11-01"
    request = explorer.dry_run()
    assert request.operation == "Query" and request.params["IndexName"] == "alarms"
    assert "SEVERITY#critical" in explorer.request_view.value
    assert explorer.run() is None and "no engine" in explorer.status.value
