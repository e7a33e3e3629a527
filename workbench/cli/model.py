"""``workbench model``: check a model file and run its access patterns."""

from __future__ import annotations

from typing import Any

import click

from ..errors import ModelError
from ..model.problems import ModelProblems, render
from .common import (
    CONTEXT_SETTINGS,
    WorkbenchGroup,
    check_endpoint_url,
    check_output_folder,
    check_table_name,
    echo_json,
    engine_options,
    overwrite_mode,
    overwrite_options,
    write_asking,
)
from .failures import safe_text

FILE = click.Path(dir_okay=False, path_type=str)


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def model() -> None:
    """Any single-table design as a model file: check it, run its patterns."""


@model.command("check")
@click.argument("path", type=FILE)
def check(path: str) -> None:
    """Check the model file PATH: every problem at once (exit 1), then any warnings."""
    from ..design import modelfile

    try:
        loaded = modelfile.check_model(path)
    except ModelProblems as exc:
        # One line per problem: the common one-line error would cut a long list short.
        click.echo(f"Error: {exc.subject}: {len(exc.problems)} problem(s)", err=True)
        for line in render(exc.problems):
            click.echo(f"  {safe_text(line)}", err=True)
        raise click.exceptions.Exit(1) from None
    click.echo(f"ok: {len(loaded.entities)} entities, {len(loaded.patterns)} patterns")
    for line in render(loaded.warnings):
        click.echo(f"warning: {line}")


def _parse_params(values: tuple[str, ...]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs; a name given twice collects a list (BatchGetItem keys)."""
    params: dict[str, Any] = {}
    for text in values:
        name, sep, value = text.partition("=")
        if not sep or not name:
            raise ModelError(f"--param {text!r}: write NAME=VALUE, e.g. --param order_id=o-1")
        if name in params:
            previous = params[name]
            params[name] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            params[name] = value
    return params


def _engine_flags(func: Any) -> Any:
    """``--engine``/``--endpoint`` without connecting: a dry run needs no engine."""
    flags = engine_options(lambda **_: None).__click_params__  # type: ignore[attr-defined]
    func.__click_params__ = [*getattr(func, "__click_params__", []), *flags]
    return func


def _send(
    engine: Any, loaded: Any, pattern: str | None, given: dict, table_name: str | None
) -> list[dict[str, Any]]:
    from ..design import modelfile

    return modelfile.run_patterns(engine, loaded, pattern, given or None, table_name)


@model.command("run")
@click.argument("path", type=FILE)
@click.argument("pattern", required=False)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter.")
@click.option("--table", "table_name", default=None, help="Table name (default: the model's).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--dry-run", is_flag=True, help="Print the requests; send nothing.")
@_engine_flags
def run(
    engine: str | None,
    endpoint: str | None,
    path: str,
    pattern: str | None,
    params: tuple[str, ...],
    table_name: str | None,
    as_json: bool,
    dry_run: bool,
) -> None:
    """Run PATTERN (name or letter) of the model file PATH, or every pattern with its example.

    Prints the items and the computed capacity of each; --dry-run prints the requests only.
    """
    from ..design import modelfile

    loaded = modelfile.load_model(path)
    given = _parse_params(params)
    if not loaded.patterns:
        # NoSQL Workbench files carry no access patterns: saying nothing would look like success.
        raise ModelError(
            f"{path} declares no access patterns: add them under 'patterns:' (import a NoSQL "
            "Workbench file with `workbench model import` to get a YAML file to add them to)"
        )
    if dry_run:
        names = [pattern] if pattern else [p.name for p in loaded.patterns]
        if given and not pattern:
            raise ModelError("--param needs a PATTERN: parameters belong to one pattern")
        requests = [
            (name, modelfile.dry_run(loaded, name, given or None, table_name)) for name in names
        ]
        if as_json:
            echo_json(
                [{"pattern": n, "operation": r.operation, "request": r.params} for n, r in requests]
            )
        else:
            for name, request in requests:
                click.echo(f"# {name}\n{request.to_python()}")
        return
    results = engine_options(_send)(
        engine=engine,
        endpoint=endpoint,
        loaded=loaded,
        pattern=pattern,
        given=given,
        table_name=table_name,
    )
    if as_json:
        echo_json(results)
        return
    for result in results:
        count = len(result["items"])
        items = f"{count} item{'' if count == 1 else 's'}"
        click.echo(
            f"# {result['pattern']} ({result['operation']}): {items}, "
            f"{result['consumed_capacity']:g} capacity units"
        )
        for item in result["items"]:
            click.echo(f"  {safe_text(item)}")


# -- NoSQL Workbench and CloudFormation interop (issue 11, part 3) --------------------------


def _write(text: str, output: str | None) -> None:
    """Write ``text`` to ``output``, or print it when there is none."""
    if output is None:
        click.echo(text, nl=False)
        return
    from pathlib import Path

    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"cannot write {output!r}: {exc.strerror}") from exc
    click.echo(f"wrote {output}", err=True)


def _output_option(help: str) -> Any:
    """``-o``/``--output``: a file whose folder must exist (nothing makes it)."""
    return click.option(
        "-o", "--output", default=None, type=FILE, callback=check_output_folder, help=help
    )


@model.command("import")
@click.argument("path", type=FILE)
@_output_option("The YAML file to write (its folder must exist).")
@click.option("--table", default=None, help="The table to import, when the file has several.")
def import_(path: str, output: str | None, table: str | None) -> None:
    """Import the NoSQL Workbench model PATH (.json) as our YAML model file.

    Key templates come from the facets' sample data; what had to be guessed is printed
    (and heads the YAML as comments).
    """
    from ..design.interop.files import import_file

    text, notes = import_file(path, table)
    _write(text, output)
    for line in render(notes):
        click.echo(f"check: {line}", err=True)


@model.command("export")
@click.argument("path", type=FILE)
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["nosql-workbench", "cloudformation"]),
    help="NoSQL Workbench model JSON, or a CloudFormation template.",
)
@_output_option("The file to write, .json or .yaml (its folder must exist).")
@click.option(
    "--table",
    "table_name",
    default=None,
    callback=check_table_name,
    help="Table name in a template.",
)
def export(path: str, fmt: str, output: str | None, table_name: str | None) -> None:
    """Export the model file PATH (ours or NoSQL Workbench's; `cruddur` for the built-in one).

    A CloudFormation template holds the table; Cruddur's holds the whole production plan.
    """
    from ..design.interop.files import export_file

    text, notes = export_file(path, fmt, output, table_name)
    _write(text, output)
    for note in notes:
        click.echo(f"not exported: {note}", err=True)


# -- sample data and the report (issue 11, items 3 and 6) ---------------------------------


def _sample_options(func: Any) -> Any:
    """``--count`` and ``--seed``, as ``model load`` and ``model report`` take them."""
    func = click.option(
        "--seed",
        type=int,
        default=None,
        help="The same seed gives the same items (default: the file's sample_data seed, else 0).",
    )(func)
    return click.option(
        "--count",
        type=click.IntRange(1, 100_000),
        default=None,
        help="Items of each top-level entity (default: the file's sample_data counts, else 10).",
    )(func)


@model.command("load")
@click.argument("model_file", metavar="FILE", type=FILE)
@_sample_options
@click.option(
    "--source",
    type=click.Choice(["auto", "file", "generate"]),
    default="auto",
    show_default=True,
    help="file: the items the model file gives; generate: seeded sample data; auto: the "
    "file's items if it gives some and neither --count nor --seed is passed.",
)
@click.option(
    "--table",
    "table_name",
    default=None,
    callback=check_table_name,
    help="Table name (default: the model's).",
)
@overwrite_options
@engine_options
def load(
    engine: Any,
    model_file: str,
    count: int | None,
    seed: int | None,
    source: str,
    table_name: str | None,
    merge: bool,
    replace: bool,
) -> None:
    """Create the table of the model FILE (schema-load) and write its sample data.

    A table that already holds items (any item) is refused unless --merge or --replace says
    how (on a terminal you are asked), with the count of items the sample would overwrite;
    on AWS you type the table name.
    """
    from ..design.sampledata import load_file

    loaded = write_asking(
        lambda mode, confirm: load_file(
            engine,
            model_file,
            table_name,
            source=source,
            seed=seed,
            count=count,
            mode=mode,
            confirm=confirm,
        ),
        engine,
        overwrite_mode(merge, replace),
    )
    click.echo(loaded.summary())


@model.command("report")
@click.argument("model_file", metavar="FILE", type=FILE)
@click.option(
    "-o",
    "--output-dir",
    default="build/models",
    show_default=True,
    type=click.Path(file_okay=False),
    callback=check_output_folder,
    help="Where NAME.ipynb and NAME.html go (made if missing; the folder holding it must exist).",
)
@click.option(
    "--engine",
    type=click.Choice(["moto", "local", "endpoint"]),
    default="moto",
    show_default=True,
    help="Where the report's throwaway table lives: moto runs inside the notebook's kernel; "
    "local is the background instance (or one started for the report).",
)
@click.option("--endpoint", default=None, metavar="URL", help="A DynamoDB endpoint URL.")
@_sample_options
def report(
    model_file: str,
    output_dir: str,
    engine: str,
    endpoint: str | None,
    seed: int | None,
    count: int | None,
) -> None:
    """Run the report notebook for the model FILE: charts, dry runs, sample data, every
    pattern run and checked, capacity; writes the executed notebook and its HTML."""
    from ..design.report.notebook import report as run

    if endpoint is not None:
        check_endpoint_url(endpoint, "--endpoint")
    outcome = run(model_file, output_dir, engine=engine, endpoint=endpoint, seed=seed, count=count)
    click.echo(f"report of {model_file}: {outcome.output}, {outcome.html} ({outcome.seconds:.1f}s)")


# -- what a design costs, and drift between engines (issue 13) -----------------------------


def _cost_lines(study: Any) -> list[str]:
    """``workbench model cost``'s text: one line per pattern, then the totals."""
    label = study.prices.label
    lines = [f"prices: {label}; a month is 730 hours; traffic: {study.traffic.source}"]
    for name, row in study.costs().iterrows():
        floor = "at least " if row["at_least"] else ""
        lines.append(
            f"{name} ({row['operation']}): {floor}{row['units_p50']:g} {row['unit']}/request "
            f"(p95 {row['units_p95']:g}), {row['units_per_s_avg']:.3g} {row['unit']}/s avg, "
            f"{row['units_per_s_peak']:.3g} peak; ${row['on_demand_month']:,.2f}/month "
            f"on-demand, ${row['provisioned_peak_month']:,.2f} provisioned for the peak, "
            f"${row['autoscaled_month']:,.2f} auto scaling ({label})"
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


@model.command("cost")
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
def cost(model_file: str, traffic_file: str | None, region: str | None, as_json: bool) -> None:
    """What the model FILE costs: per pattern, units per request, units per second and dollars
    a month on-demand and provisioned, with the price date; and any hot partition.

    Measured on the model's sample data in in-process moto (nothing is sent elsewhere).
    """
    from ..design.cost import open_study, prices

    if region is not None:
        prices(region)  # an unknown region fails before anything is measured
    study = open_study(model_file, traffic_file, region=region)
    if as_json:
        echo_json(study.to_json())
        return
    for line in _cost_lines(study):
        click.echo(safe_text(line))


@model.command("drift")
@click.argument("model_file", metavar="FILE", type=FILE)
@click.option(
    "--against",
    required=True,
    metavar="URL|moto",
    help="The other engine: moto (in-process), local, aws, or an endpoint URL.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@engine_options
def drift(engine: Any, model_file: str, against: str, as_json: bool) -> None:
    """Run the pattern suite of the model FILE on the engine and on --against; show what
    differs: items, their order, errors, reported against computed capacity."""
    from ..design import modelfile
    from ..design.cost.drift import connect_against
    from ..design.cost.drift import drift as run
    from ..design.sampledata import read_spec

    if against.startswith(("http://", "https://")):
        check_endpoint_url(against, "--against")
    loaded = modelfile.load_model(model_file)
    with connect_against(against) as other:
        frame = run(loaded, engine, other, spec=read_spec(model_file))
    if as_json:
        echo_json(frame.reset_index().to_dict(orient="records"))
        return
    for name, row in frame.iterrows():
        click.echo(safe_text(f"{name}: {row['drift'] or 'same'}"))
    click.echo(f"{(frame['drift'] != '').sum()} of {len(frame)} patterns differ")
