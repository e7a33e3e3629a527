"""One path builds, sends and counts a pattern's request (issue 17), so ``model run``, the
report and the cost study show one figure for one request (issue 18, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.design.cost.measure import _send
from workbench.design.exercise import exercise, found_items
from workbench.design.modelfile import load_model, run_pattern
from workbench.design.report.runs import run_pattern as report_run
from workbench.engine.dynamo import consumed, send
from workbench.engine.tables import schema_load
from workbench.model.requests import Request, put

SHOP = Path(__file__).resolve().parent.parent / "models" / "shop.yaml"
ORDER = "409a8a78-909f-4497-aa8a-43ef28804790"


def _put_big_order(engine, shop) -> None:
    order = shop.entity("Order").item(
        order_id=ORDER,
        customer_id="c-1",
        order_date="2026-10-31T16:01:17.755814+00:00",
        status="placed",
        order_total=100,
    )
    order["notes"] = "x" * 3000  # the old item is 3 KB: the update is charged 4 units
    send(engine, Request("PutItem", put(shop.table.name, order)))


@pytest.fixture
def shop_with_a_big_order(moto_engine):
    shop = load_model(SHOP)
    schema_load(moto_engine, "shop", model=shop)
    _put_big_order(moto_engine, shop)
    return shop


def test_a_write_shows_one_figure_in_run_report_and_cost(moto_engine, shop_with_a_big_order):
    shop = shop_with_a_big_order
    params = {"order_id": ORDER, "order_total": 90}
    ran = run_pattern(moto_engine, shop, "adjust-order-total", params)
    _put_big_order(moto_engine, shop)  # each starts from the same item
    reported = report_run(moto_engine, shop, "adjust-order-total", params)
    _put_big_order(moto_engine, shop)
    sample = _send(moto_engine, shop, reported.request, before=True)
    _put_big_order(moto_engine, shop)
    done = exercise(moto_engine, shop, "adjust-order-total", params)
    figures = {ran["consumed_capacity"], reported.capacity.total, sample.capacity.total}
    assert figures == {done.capacity.total}
    # 4 units for the 3 KB item, on the table and on gsi1 (projection ALL) whose entry
    # changes; gsi2 projects the order total too.
    assert done.capacity.table == 4.0 and not done.capacity.at_least
    assert done.capacity.indexes["gsi1"] == 4.0
    assert [len(o["notes"]["S"]) for o in done.old] == [3000]
    # Without the old item the same request is only a floor, and a lower one.
    blind = consumed(moto_engine, done.request, done.response, table=shop.table)
    assert blind.total < done.capacity.total


def test_found_items_reads_every_kind_of_read_response() -> None:
    a, b = {"pk": {"S": "a"}}, {"pk": {"S": "b"}}
    assert found_items({"Items": [a, b]}) == [a, b]
    assert found_items({"Item": a}) == [a]
    assert found_items({"Responses": {"t1": [a], "t2": [b]}}) == [a, b]
    assert found_items({"Responses": [{"Item": a}, {}, {"Item": b}]}) == [a, b]
    assert found_items({}) == []
