"""``workbench model import`` and ``model export`` as functions: file in, text out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from ...errors import ModelError
from ...model import safeload
from ...model.problems import Problem, render
from . import cloudformation
from .nosql.export import export_notes, to_nosql_workbench, to_nosql_workbench_models
from .nosql.importer import import_document, is_nosql_workbench, read_json, to_document
from .nosql.tables import table_names

EXPORT_FORMATS = ("nosql-workbench", "cloudformation")
BUILTIN = "cruddur"  # the name that means the built-in Cruddur model, when no such file exists


def load_any(path: str | Path, table: str | None = None) -> Any:
    """The model in ``path`` (our YAML or NoSQL Workbench JSON), or Cruddur's for ``cruddur``.

    :param table: the table NAME (:func:`workbench.design.modelfile.load_model`).
    :raises ModelError: naming the file or every problem of the model.
    """
    from ..modelfile import load_model

    if str(path) == BUILTIN and not Path(path).exists():
        from ...model import CRUDDUR

        return CRUDDUR
    return load_model(path, table)


def load_models(path: str | Path, table: str | None = None) -> list[Any]:
    """The model of each table of ``path``: every table of a NoSQL Workbench file holding
    several when ``table`` is None, else the one :func:`load_any` gives.

    :raises ModelError: naming the file or every problem of a model.
    """
    if table is None and Path(path).is_file():
        source = f"model file {str(path)!r}"
        try:
            text = safeload.read_text(path, source)
            document = safeload.parse_json(text, source) if text.lstrip()[:1] == "{" else None
        except (OSError, ValueError):
            document = None  # not JSON it can read: load_any names the problem
        names = table_names(document) if is_nosql_workbench(document) else []
        if len(names) > 1:
            return [import_document(document, name, source=source) for name in names]
    return [load_any(path, table)]


def import_file(
    path: str | Path, table: str | None = None, *, entity_attribute: str | None = None
) -> tuple[str, list[Problem]]:
    """Our YAML model file for the NoSQL Workbench file ``path``, and what was guessed.

    The model is checked before anything is returned; the guesses head the YAML as comments.

    :param table: the table NAME: the one of that name when the file holds several; the
        only one, named ``table``, when it holds one.
    :param entity_attribute: the attribute naming each item's entity, for a table without
        facets (``--entity-attribute``; default: detected, else the key prefixes tell).
    :raises ModelError: naming the JSON path of every problem at once.
    """
    from ...model.files import model_from_document

    source = f"model file {str(path)!r}"
    document, notes = to_document(
        read_json(path), table, source=source, entity_attribute=entity_attribute
    )
    model_from_document(document, f"model imported from {Path(path).name!r}")
    header = [f"# Imported from the NoSQL Workbench model {Path(path).name}."]
    header += [f"# check: {line}" for line in render(notes)]
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body, notes


def export_file(
    path: str | Path | Sequence[str | Path],
    fmt: str,
    output: str | Path | None = None,
    table_name: str | None = None,
) -> tuple[str, list[str]]:
    """The models in ``path`` (one file or several) as NoSQL Workbench JSON or a
    CloudFormation template: one file holding every table.

    A NoSQL Workbench file of several tables gives all of them unless ``table_name`` picks one.

    :param fmt: ``nosql-workbench`` or ``cloudformation``.
    :param output: where it will be written: a CloudFormation template is JSON for a
        ``.json`` name, YAML otherwise.
    :param table_name: the table NAME (:func:`workbench.design.modelfile.load_model`): that
        table of a file of several, or the one table under that name; for one file only.
    :returns: ``(text, notes)``; notes name what the format cannot hold.
    :raises ModelError: for an unknown format (naming the allowed ones), a broken model, or
        ``table_name`` with several files.
    """
    if fmt not in EXPORT_FORMATS:
        raise ModelError(f"export format {fmt!r} is not one of {list(EXPORT_FORMATS)}")
    paths = [path] if isinstance(path, str | Path) else list(path)
    if table_name is not None and len(paths) > 1:
        raise ModelError(
            f"--table picks the table of one file, not of {len(paths)}: export one file with "
            "it, or leave it out"
        )
    models = [m for p in paths for m in load_models(p, table_name)]
    if fmt == "nosql-workbench":
        notes = [
            f"table {m.table.name!r}: {note}" if len(models) > 1 else note
            for m in models
            for note in export_notes(m)
        ]
        if len(models) == 1:
            document = to_nosql_workbench(models[0], table_name=table_name)
        else:
            document = to_nosql_workbench_models(models)
        return json.dumps(document, indent=2) + "\n", notes
    as_json = output is not None and str(output).endswith(".json")
    if len(models) == 1:
        template = cloudformation.template_for(models[0], table_name)
        return cloudformation.dumps(template, "json" if as_json else "yaml"), []
    template, notes = cloudformation.tables_template(models)
    return cloudformation.dumps(template, "json" if as_json else "yaml"), notes
