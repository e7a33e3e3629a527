"""The single-table model: pure data and request builders (no boto3, no pandas, no network).

The names below are loaded on first use, all together: importing ``workbench.model.requests``
(which every request is) or ``workbench.model.limits`` does not build Cruddur's design, its
checks and its patterns (issue 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .core import Model
    from .cruddur import CRUDDUR, GSI_NAME, MESSAGE, MESSAGE_GROUP, SEED_GROUP_UUID, TABLE_NAME
    from .entities import Entity, KeyTemplate
    from .patterns import AccessPattern
    from .requests import Request
    from .table import GlobalIndex, TableSpec, Throughput

__all__ = [
    "CRUDDUR",
    "GSI_NAME",
    "MESSAGE",
    "MESSAGE_GROUP",
    "SEED_GROUP_UUID",
    "TABLE_NAME",
    "AccessPattern",
    "Entity",
    "GlobalIndex",
    "KeyTemplate",
    "Model",
    "Request",
    "TableSpec",
    "Throughput",
]


# Each name's module.
_HOMES = {
    "Model": "core",
    **dict.fromkeys(
        ("CRUDDUR", "GSI_NAME", "MESSAGE", "MESSAGE_GROUP", "SEED_GROUP_UUID", "TABLE_NAME"),
        "cruddur",
    ),
    "Entity": "entities",
    "KeyTemplate": "entities",
    "AccessPattern": "patterns",
    "Request": "requests",
    **dict.fromkeys(("GlobalIndex", "TableSpec", "Throughput"), "table"),
}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # What this module imported eagerly before issue 16 (stream/package.py reads these too).
    from . import core, cruddur, entities, patterns, requests, table

    modules = {
        "core": core,
        "cruddur": cruddur,
        "entities": entities,
        "patterns": patterns,
        "requests": requests,
        "table": table,
    }
    globals().update({n: getattr(modules[home], n) for n, home in _HOMES.items()})
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
