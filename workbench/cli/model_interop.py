"""``workbench model import`` and ``export``: NoSQL Workbench and CloudFormation interop
(issue 11, part 3)."""

from __future__ import annotations

from typing import Any

import click

from ..errors import ModelError
from ..model.problems import render
from .common import FILE, check_output_folder, model_table_option


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


@click.command("import")
@click.argument("path", type=FILE)
@_output_option("The YAML file to write (its folder must exist).")
@model_table_option
@click.option(
    "--entity-attribute",
    "entity_attribute",
    default=None,
    metavar="NAME",
    help="The attribute naming each item's entity, for a table without facets "
    "(default: one like EntityType or Type, else the key prefixes tell).",
)
def import_(
    path: str, output: str | None, table_name: str | None, entity_attribute: str | None
) -> None:
    """Import the NoSQL Workbench model PATH (.json) as our YAML model file.

    Entities come from the facets, else from an entity-type attribute, else from the key
    prefixes; key templates from the sample data. What had to be guessed is printed (and
    heads the YAML as comments), each with how to overrule it.
    """
    from ..design.interop.files import import_file
    from ..model.problems import ModelProblems
    from .failures import exit_with_problems

    try:
        text, notes = import_file(path, table_name, entity_attribute=entity_attribute)
    except ModelProblems as exc:
        exit_with_problems(exc)
    _write(text, output)
    for line in render(notes):
        click.echo(f"check: {line}", err=True)


@click.command("export")
@click.argument("path", metavar="PATH...", nargs=-1, required=True, type=FILE)
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["nosql-workbench", "cloudformation"]),
    help="NoSQL Workbench model JSON, or a CloudFormation template.",
)
@_output_option("The file to write, .json or .yaml (its folder must exist).")
@model_table_option
def export(path: tuple[str, ...], fmt: str, output: str | None, table_name: str | None) -> None:
    """Export the model files PATH... (ours or NoSQL Workbench's; `cruddur` for the built-in
    one) as one file holding every table: several files, or a NoSQL Workbench file of several
    tables (unless --table picks one), give one DataModel entry or template resource each.

    A CloudFormation template holds the tables; Cruddur's alone holds its whole production plan.
    """
    from ..design.interop.files import export_file

    text, notes = export_file(path, fmt, output, table_name)
    _write(text, output)
    for note in notes:
        click.echo(f"not exported: {note}", err=True)
