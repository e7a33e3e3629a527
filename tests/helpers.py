"""Plain helpers the tests import (``from helpers import ...``).

They live here, not in conftest.py: ``from conftest import`` is ambiguous once pytest has
imported another conftest.py (notebooks/ has one for nbval) under the same module name.
"""

from __future__ import annotations

import uuid
from typing import Any

# When the seeded fixtures' conversation ends.
SEED_NOW = "2026-11-22T07:45:00+00:00"


def unique_table_name(prefix: str = "test") -> str:
    """A table name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_seeded(engine: Any, users: Any, table_name: str) -> str:
    """Create the table with schema-load and seed it at a fixed time; return its name."""
    from workbench.cruddur.seeder import seed
    from workbench.engine.tables import schema_load

    schema_load(engine, table_name)
    seed(engine, table_name, directory=users, now=SEED_NOW, progress=False)
    return table_name


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """A model file whose description's aliases expand to ``width ** levels`` values: 374
    bytes at 9 levels, on which ``model check`` ran for minutes writing the schema's error
    message (issue 16)."""
    names = "abcdefghijklmnop"[:levels]
    lists = [f"&a [{', '.join(['x'] * width)}]"]
    for previous, name in zip(names, names[1:], strict=False):
        lists.append(f"&{name} [{', '.join([f'*{previous}'] * width)}]")
    return f"description: [{', '.join(lists)}]\n"
