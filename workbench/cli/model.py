"""``workbench model``: the group; check a model file and run its access patterns.

Its other commands live beside it, each module one concern: ``import``/``export`` in
:mod:`.model_interop`, ``load``/``report`` in :mod:`.model_samples`, ``cost``/``drift`` in
:mod:`.model_cost`. Each imports what it runs inside the command (start-up stays light).
"""

from __future__ import annotations

from typing import Any

import click

from ..errors import ModelError
from ..model.problems import ModelProblems, render
from .common import (
    CONTEXT_SETTINGS,
    FILE,
    WorkbenchGroup,
    echo_json,
    engine_options,
    model_table_option,
)
from .failures import exit_with_problems, safe_text
from .model_cost import cost, drift
from .model_interop import export, import_
from .model_samples import load, report


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def model() -> None:
    """Any single-table design as a model file: check it, run its patterns."""


@model.command("check")
@click.argument("path", type=FILE)
@model_table_option
def check(path: str, table_name: str | None) -> None:
    """Check the model file PATH: every problem at once (exit 1), then any warnings."""
    from ..design import modelfile

    try:
        loaded = modelfile.check_model(path, table_name)
    except ModelProblems as exc:
        exit_with_problems(exc)
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
@model_table_option
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

    loaded = modelfile.load_model(path, table_name)
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


# The commands of the modules beside this one (see the module's docstring).
for command in (import_, export, load, report, cost, drift):
    model.add_command(command)
