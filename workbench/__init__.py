"""The Cruddur DynamoDB workbench: single-table design you can run, assert and measure.

The names a notebook needs are importable from here; they are loaded on first use, so the
CLI starts without importing pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "connect": "workbench.engine.engines",
    "Engine": "workbench.engine.engines",
    "CRUDDUR": "workbench.model",
    "FixedClock": "workbench.clock",
    "schema_load": "workbench.engine.tables",
    "seed": "workbench.cruddur.seeder",
    "scan": "workbench.cruddur.scanner",
    "export_table": "workbench.engine.transfer",
    "import_table": "workbench.engine.transfer",
    "get_conversation": "workbench.cruddur.queries",
    "list_conversations": "workbench.cruddur.queries",
    "Messenger": "workbench.cruddur.app",
    "open_directory": "workbench.cruddur.users",
    "StreamRunner": "workbench.cruddur.stream",
    "to_frame": "workbench.desk.frames",
    "aggregate_view": "workbench.desk.frames",
    "gsi_view": "workbench.desk.frames",
    "entity_chart": "workbench.desk.frames",
    "pattern_chart": "workbench.desk.frames",
    "setup_display": "workbench.desk.frames",
    "WorkbenchError": "workbench.errors",
    "open_session": "workbench.desk.session",
    "explore": "workbench.design.explore",
    "Session": "workbench.desk.session",
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
    from .clock import FixedClock
    from .cruddur.app import Messenger
    from .cruddur.queries import get_conversation, list_conversations
    from .cruddur.scanner import scan
    from .cruddur.seeder import seed
    from .cruddur.stream import StreamRunner
    from .cruddur.users import open_directory
    from .design.explore import explore
    from .desk.frames import (
        aggregate_view,
        entity_chart,
        gsi_view,
        pattern_chart,
        setup_display,
        to_frame,
    )
    from .desk.session import Session, open_session
    from .engine.engines import Engine, connect
    from .engine.tables import schema_load
    from .engine.transfer import export_table, import_table
    from .errors import WorkbenchError
    from .model import CRUDDUR


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
