"""Run a model file's access patterns on an engine: the library side of ``workbench model``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..model import safeload
from ..model.core import Model
from ..model.files import is_ours, load_ours
from ..model.requests import Request
from .exercise import send_counted

__all__ = ["check_model", "dry_run", "load_model", "run_pattern", "run_patterns"]


# (detect, load) pairs, tried in order: issue 11 part 3 inserts NoSQL Workbench JSON first.
def _is_nosql_workbench(text: str, path: Path) -> bool:
    from .interop.nosql.importer import detect_text  # lazy: interop needs the model

    return detect_text(text, path)


def _load_nosql_workbench(text: str, path: Path, table: str | None) -> Model:
    from .interop.nosql.importer import load_text

    return load_text(text, path, table)


def _load_ours(text: str, path: Path, table: str | None) -> Model:
    # One table: ``table`` is the name it is created and queried under (the caller's).
    return load_ours(text, path)


# Each loader takes the text, the path and the table NAME (``--table``, see load_model).
LOADERS: list[tuple[Callable[[str, Path], bool], Callable[[str, Path, str | None], Model]]] = [
    (_is_nosql_workbench, _load_nosql_workbench),
    (is_ours, _load_ours),
]


def load_model(path: str | Path, table: str | None = None) -> Model:
    """The model in file ``path``: our YAML (or the same as JSON), or NoSQL Workbench JSON,
    dispatched on content.

    :param table: the table NAME, as ``--table`` means it in every command: in a file holding
        several tables, the one of that name (it is then created and queried under it); in a
        file with one table, that table (which the caller creates and queries as ``table``).
    :raises ModelError: naming the file when it cannot be read, or every problem with its
        path when the model is broken; for a file of several tables, naming them when
        ``table`` is None or none of them.
    """
    path = Path(path)
    try:
        text = safeload.read_text(path, f"model file {str(path)!r}")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"cannot read model file {str(path)!r}: {exc}") from exc
    for detect, load in LOADERS:
        if detect(text, path):
            return load(text, path, table)
    raise ModelError(f"model file {str(path)!r}: not a format the workbench reads")


def check_model(path: str | Path, table: str | None = None) -> Model:
    """Load and check the model file at ``path`` (warnings are in ``model.warnings``).

    :param table: the table NAME (see :func:`load_model`).
    :raises ModelError: naming every problem with its path.
    """
    return load_model(path, table)


def _params(model: Model, name: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    pattern = model.pattern(name)
    given = dict(params) if params else dict(pattern.example)
    return given


def dry_run(
    model: Model,
    pattern: str,
    params: Mapping[str, Any] | None = None,
    table_name: str | None = None,
) -> Request:
    """The exact request of ``pattern`` for ``params`` (its example parameters when None).

    :raises ModelError: naming an unknown pattern or parameter, or a missing one.
    """
    return model.builder.build(pattern, table_name, **_params(model, pattern, params))


def run_pattern(
    engine: Any,
    model: Model,
    pattern: str,
    params: Mapping[str, Any] | None = None,
    table_name: str | None = None,
) -> dict[str, Any]:
    """Send one pattern's request on ``engine``.

    :param pattern: its name or letter.
    :param params: its parameters (the pattern's ``example`` when None).
    :param table_name: the table (default: the model's).
    :returns: ``{"pattern", "operation", "request", "items", "consumed_capacity", "next"}``
        with plain items and the computed capacity units.
    :raises WorkbenchError: a :class:`ModelError` for bad parameters, a ``DynamoError`` for
        a failed call.
    """
    table_name = table_name or model.table.name
    done = send_counted(engine, model, dry_run(model, pattern, params, table_name))
    return {
        "pattern": model.pattern(pattern).name,
        "operation": done.request.operation,
        "request": done.request.params,
        "items": done.items,
        "consumed_capacity": done.capacity.total,
        "next": done.next_cursor,
    }


def run_patterns(
    engine: Any,
    model: Model,
    pattern: str | None = None,
    params: Mapping[str, Any] | None = None,
    table_name: str | None = None,
) -> list[dict[str, Any]]:
    """Run one pattern, or every pattern with its example parameters (in file order).

    :raises ModelError: if ``params`` are given without a pattern (they fit one pattern).
    """
    if pattern is not None:
        return [run_pattern(engine, model, pattern, params, table_name)]
    if params:
        raise ModelError("--param needs a PATTERN: parameters belong to one pattern")
    return [run_pattern(engine, model, p.name, None, table_name) for p in model.patterns]
