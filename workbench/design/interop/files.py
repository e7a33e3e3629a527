"""``workbench model import`` and ``model export`` as functions: file in, text out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ...errors import ModelError
from ...model.problems import Problem, render
from . import cloudformation
from .nosql_export import export_notes, to_nosql_workbench
from .nosql_workbench import read_json, to_document

EXPORT_FORMATS = ("nosql-workbench", "cloudformation")
BUILTIN = "cruddur"  # the name that means the built-in Cruddur model, when no such file exists


def load_any(path: str | Path) -> Any:
    """The model in ``path`` (our YAML or NoSQL Workbench JSON), or Cruddur's for ``cruddur``.

    :raises ModelError: naming the file or every problem of the model.
    """
    from ..modelfile import load_model

    if str(path) == BUILTIN and not Path(path).exists():
        from ...model import CRUDDUR

        return CRUDDUR
    return load_model(path)


def import_file(path: str | Path, table: str | None = None) -> tuple[str, list[Problem]]:
    """Our YAML model file for the NoSQL Workbench file ``path``, and what was guessed.

    The model is checked before anything is returned; the guesses head the YAML as comments.

    :param table: the table to import when the file holds several.
    :raises ModelError: naming the JSON path of every problem at once.
    """
    from ...model.files import model_from_document

    document, notes = to_document(read_json(path), table)
    model_from_document(document, f"model imported from {Path(path).name!r}")
    header = [f"# Imported from the NoSQL Workbench model {Path(path).name}."]
    header += [f"# check: {line}" for line in render(notes)]
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body, notes


def export_file(
    path: str | Path, fmt: str, output: str | Path | None = None, table_name: str | None = None
) -> tuple[str, list[str]]:
    """The model in ``path`` as NoSQL Workbench JSON or a CloudFormation template.

    :param fmt: ``nosql-workbench`` or ``cloudformation``.
    :param output: where it will be written: a CloudFormation template is JSON for a
        ``.json`` name, YAML otherwise.
    :param table_name: the table's name in a template (default: the model's).
    :returns: ``(text, notes)``; notes name what the format cannot hold.
    :raises ModelError: for an unknown format (naming the allowed ones) or a broken model.
    """
    if fmt not in EXPORT_FORMATS:
        raise ModelError(f"export format {fmt!r} is not one of {list(EXPORT_FORMATS)}")
    model = load_any(path)
    if fmt == "nosql-workbench":
        return json.dumps(to_nosql_workbench(model), indent=2) + "\n", export_notes(model)
    template = cloudformation.template_for(model, table_name)
    as_json = output is not None and str(output).endswith(".json")
    return cloudformation.dumps(template, "json" if as_json else "yaml"), []
