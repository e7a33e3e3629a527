"""Engine drift: the same pattern suite on the managed server (engine ``local``) and on
in-process moto, and the ``workbench model drift`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.design import sampledata
from workbench.design.cost.drift import drift, suite_parameters
from workbench.design.modelfile import load_model

MODELS = Path(__file__).resolve().parent.parent / "models"


@pytest.mark.server
@pytest.mark.parametrize("name", ["cruddur", "shop"])
def test_drift_between_the_managed_server_and_moto(local_engine, moto_engine, name) -> None:
    model = load_model(MODELS / f"{name}.yaml")
    spec = sampledata.read_spec(MODELS / f"{name}.yaml")
    frame = drift(model, local_engine, moto_engine, spec=spec)
    assert list(frame.index) == [p.name for p in model.patterns]
    # Both engines run moto: the same items, in the same order, the same computed capacity,
    # and neither reports a real figure (moto's constant 1.0 is not kept).
    assert (frame["drift"] == "").all(), frame[frame["drift"] != ""].to_dict(orient="records")
    assert frame["same_items"].all() and frame["same_order"].all()
    assert frame["reported local"].isna().all() and frame["reported moto"].isna().all()
    reads = [p.name for p in model.patterns if p.operation in ("Query", "GetItem")]
    assert (frame.loc[reads, "items local"] > 0).all()  # the parameters come from the data
    assert (frame["computed local"] == frame["computed moto"]).all()


def test_drift_reports_a_difference(moto_engine) -> None:
    """A suite whose second engine holds other data differs in items: drift says so."""
    model = load_model(MODELS / "shop.yaml")
    spec = sampledata.read_spec(MODELS / "shop.yaml")
    items = sampledata.sample_items(model, source="generate", seed=spec.seed, spec=spec)
    params = suite_parameters(model, items, spec.seed)
    assert all(isinstance(p, dict) for p in params.values()), params
    from workbench.design.cost import drift as module

    real = module.run_suite
    calls = []

    def other_data(engine, model, items, params, spec):
        calls.append(engine)
        if len(calls) == 2:  # the second engine gets other data (another seed)
            other = sampledata.SampleSpec(spec.counts, spec.seed + 1)
            items = sampledata.sample_items(model, source="generate", seed=other.seed, spec=other)
        return real(engine, model, items, params, spec)

    module.run_suite = other_data
    try:
        frame = drift(model, moto_engine, moto_engine, spec=spec)
    finally:
        module.run_suite = real
    assert "items" in frame.loc["get-customer", "drift"]


def test_cli_drift_against_moto_and_refusals() -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "model",
            "drift",
            str(MODELS / "shop.yaml"),
            "--engine",
            "moto",
            "--against",
            "moto",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["pattern"] for r in rows} >= {"get-customer", "place-order"}
    assert all(r["drift"] == "" for r in rows)
    result = runner.invoke(
        cli,
        ["model", "drift", str(MODELS / "shop.yaml"), "--engine", "moto", "--against", "ftp://x"],
    )
    assert result.exit_code == 1
    assert "'ftp://x'" in result.output and "moto" in result.output
    assert "Traceback" not in result.output
