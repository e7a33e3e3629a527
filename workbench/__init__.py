"""The Cruddur DynamoDB workbench: single-table design you can run, assert and measure.

The names a notebook needs are importable from here; they are loaded on first use, so the
CLI starts without importing pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "connect": "workbench.engines",
    "Engine": "workbench.engines",
    "CRUDDUR": "workbench.model",
    "FixedClock": "workbench.clock",
    "schema_load": "workbench.schema",
    "seed": "workbench.seeder",
    "scan": "workbench.scanner",
    "export_table": "workbench.transfer",
    "import_table": "workbench.transfer",
    "get_conversation": "workbench.queries",
    "list_conversations": "workbench.queries",
    "Messenger": "workbench.app",
    "open_directory": "workbench.users",
    "StreamRunner": "workbench.stream",
    "to_frame": "workbench.frames",
    "aggregate_view": "workbench.frames",
    "gsi_view": "workbench.frames",
    "entity_chart": "workbench.frames",
    "pattern_chart": "workbench.frames",
    "setup_display": "workbench.frames",
    "WorkbenchError": "workbench.errors",
    "open_session": "workbench.session",
    "explore": "workbench.explore",
    "Session": "workbench.session",
}

__all__ = [
    "CRUDDUR",
    "Engine",
    "FixedClock",
    "Messenger",
    "Session",
    "StreamRunner",
    "WorkbenchError",
    "aggregate_view",
    "connect",
    "entity_chart",
    "explore",
    "export_table",
    "get_conversation",
    "gsi_view",
    "import_table",
    "list_conversations",
    "open_directory",
    "open_session",
    "pattern_chart",
    "scan",
    "schema_load",
    "seed",
    "setup_display",
    "to_frame",
]

if TYPE_CHECKING:  # pragma: no cover
    from .app import Messenger
    from .clock import FixedClock
    from .engines import Engine, connect
    from .errors import WorkbenchError
    from .explore import explore
    from .frames import (
        aggregate_view,
        entity_chart,
        gsi_view,
        pattern_chart,
        setup_display,
        to_frame,
    )
    from .model import CRUDDUR
    from .queries import get_conversation, list_conversations
    from .scanner import scan
    from .schema import schema_load
    from .seeder import seed
    from .session import Session, open_session
    from .stream import StreamRunner
    from .transfer import export_table, import_table
    from .users import open_directory


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
