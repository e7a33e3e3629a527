"""``workbench model cost`` and ``drift``: what a design costs, and how two engines differ
on its patterns (issue 13)."""

from __future__ import annotations

from typing import Any

import click

from .common import FILE, check_endpoint_url, echo_json, engine_options, model_table_option
from .failures import safe_text


def _cost_lines(study: Any) -> list[str]:
    """``workbench model cost``'s text: one line per pattern (a pattern that follows others
    gets a second, with them), then the totals."""
    from ..design.cost.followups import whole_units

    label = study.prices.label
    lines = [f"prices: {label}; a month is 730 hours; traffic: {study.traffic.source}"]
    for name, row in study.costs().iterrows():
        floor = "at least " if row["at_least"] else ""
        caused = f"; {row['caused_by']}" if row["caused_by"] else ""
        lines.append(
            f"{name} ({row['operation']}{caused}): {floor}{row['units_p50']:g} {row['unit']}"
            f"/request (p95 {row['units_p95']:g}), {row['units_per_s_avg']:.3g} {row['unit']}/s "
            f"avg, {row['units_per_s_peak']:.3g} peak; ${row['on_demand_month']:,.2f}/month "
            f"on-demand, ${row['provisioned_peak_month']:,.2f} provisioned for the peak, "
            f"${row['autoscaled_month']:,.2f} auto scaling ({label})"
        )
        if row["basis"]:
            lines.append(f"  {row['basis']}")
        if row["follows"]:
            lines.append(
                f"  {name} whole (its {row['operation']} + {row['follows']}): "
                f"{floor}{whole_units(row)}/request; ${row['whole_on_demand_month']:,.2f}/month "
                f"on-demand, ${row['whole_provisioned_peak_month']:,.2f} provisioned for the "
                f"peak, ${row['whole_autoscaled_month']:,.2f} auto scaling ({label})"
            )
    totals = study.totals()
    lines.append(
        f"total: ${totals['on_demand_month']:,.2f}/month on-demand, "
        f"${totals['provisioned_peak_month']:,.2f} provisioned for the peak, "
        f"${totals['autoscaled_month']:,.2f} auto scaling; storage {totals['gb_now']:.3g} GB "
        f"now (${totals['storage_month_now']:,.2f}/month after the {totals['free_gb']:g} GB "
        f"free tier) ({label})"
    )
    hot = study.hot_keys()
    lines += [f"hot partition: {line}" for line in hot] or ["hot partitions: none"]
    return lines


@click.command("cost")
@click.argument("model_file", metavar="FILE", type=FILE)
@click.option(
    "--traffic",
    "traffic_file",
    default=None,
    type=FILE,
    help="The traffic profile (default: FILE's NAME.traffic.yaml beside it).",
)
@click.option(
    "--region", default=None, help="Region to price in (default: the profile's, else us-east-1)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the estimate as JSON.")
@model_table_option
def cost(
    model_file: str,
    traffic_file: str | None,
    region: str | None,
    as_json: bool,
    table_name: str | None,
) -> None:
    """What the model FILE costs: per pattern, units per request, units per second and dollars
    a month on-demand and provisioned, with the price date; and any hot partition.

    Measured on the model's sample data in in-process moto (nothing is sent elsewhere).
    """
    from ..design.cost import open_study, prices

    if region is not None:
        prices(region)  # an unknown region fails before anything is measured
    study = open_study(model_file, traffic_file, region=region, table=table_name)
    if as_json:
        echo_json(study.to_json())
        return
    for line in _cost_lines(study):
        click.echo(safe_text(line))


@click.command("drift")
@click.argument("model_file", metavar="FILE", type=FILE)
@click.option(
    "--against",
    required=True,
    metavar="URL|moto",
    help="The other engine: moto (in-process), local, aws, or an endpoint URL.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@model_table_option
@engine_options
def drift(
    engine: Any, model_file: str, against: str, as_json: bool, table_name: str | None
) -> None:
    """Run the pattern suite of the model FILE on the engine and on --against; show what
    differs: items, their order, errors, reported against computed capacity."""
    from ..design import modelfile
    from ..design.cost.drift import connect_against
    from ..design.cost.drift import drift as run
    from ..design.sampledata import read_spec

    if against.startswith(("http://", "https://")):
        check_endpoint_url(against, "--against")
    loaded = modelfile.load_model(model_file, table_name)
    with connect_against(against) as other:
        frame = run(loaded, engine, other, spec=read_spec(model_file))
    if as_json:
        echo_json(frame.reset_index().to_dict(orient="records"))
        return
    for name, row in frame.iterrows():
        click.echo(safe_text(f"{name}: {row['drift'] or 'same'}"))
    click.echo(f"{(frame['drift'] != '').sum()} of {len(frame)} patterns differ")
