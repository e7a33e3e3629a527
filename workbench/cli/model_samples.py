"""``workbench model load`` and ``report``: a model's sample data in a table, and the report
notebook run on it (issue 11, items 3 and 6)."""

from __future__ import annotations

from typing import Any

import click

from .common import (
    FILE,
    check_endpoint_url,
    check_output_folder,
    engine_options,
    model_table_option,
    overwrite_mode,
    overwrite_options,
    write_asking,
)


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


@click.command("load")
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
@model_table_option
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


@click.command("report")
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
@model_table_option
def report(
    model_file: str,
    output_dir: str,
    engine: str,
    endpoint: str | None,
    seed: int | None,
    count: int | None,
    table_name: str | None,
) -> None:
    """Run the report notebook for the model FILE: charts, dry runs, sample data, every
    pattern run and checked, capacity; writes the executed notebook and its HTML (NAME.ipynb,
    or NAME-TABLE.ipynb with --table). Outside moto its table is report-NAME (or
    report-TABLE), so that a table of yours is never dropped."""
    from ..design.report.notebook import report as run

    if endpoint is not None:
        check_endpoint_url(endpoint, "--endpoint")
    outcome = run(
        model_file,
        output_dir,
        engine=engine,
        endpoint=endpoint,
        seed=seed,
        count=count,
        table=table_name,
    )
    click.echo(f"report of {model_file}: {outcome.output}, {outcome.html} ({outcome.seconds:.1f}s)")
