"""Start-up: the ``workbench`` command imports nothing heavy before a command needs it.

Each check runs the real entry point in a fresh Python and lists the modules it imported,
so it is deterministic; the wall time is a ratio in ``make bench`` (figure 8), never timed
here (issue 16, part 3).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Never needed to print help or list tables: each costs from 0.1 s (flask) to 4 s (jsonschema,
# through rfc3987_syntax) of start-up.
HEAVY = ("jsonschema", "pandas", "matplotlib", "moto", "flask", "faker", "papermill", "nbconvert")
GROUPS = ("local", "ddb", "messages", "stream", "lambda", "db", "cognito", "app", "model")

# Runs the console script's main() and, at exit, writes every imported module to a file.
_PROBE = """
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from workbench.cli import main
sys.argv[0] = "workbench"
main()
"""


def imported_by(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages ``workbench ARGS`` imports, run in a fresh Python."""
    out = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(out), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return {name.partition(".")[0] for name in json.loads(out.read_text())}


def test_help_imports_nothing_heavy(tmp_path: Path) -> None:
    modules = imported_by(tmp_path, "--help")
    assert "workbench" in modules and "click" in modules  # the probe saw the command run
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))
    assert "boto3" not in modules  # help sends no request


@pytest.mark.parametrize("group", GROUPS)
def test_group_help_imports_nothing_heavy(tmp_path: Path, group: str) -> None:
    modules = imported_by(tmp_path, group, "--help")
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))
    assert "boto3" not in modules


# What ListTables does not need: the model, its limits and capacity rules, the seeder, and
# boto3 itself (the clients come from botocore), each tens of milliseconds of start-up.
NOT_FOR_LIST_TABLES = (
    "boto3",
    "workbench.model.cruddur",
    "workbench.model.limits",
    "workbench.model.capacity",
    "workbench.cruddur.seeder",
)


@pytest.mark.server
def test_list_tables_imports_botocore_and_nothing_heavy(tmp_path: Path, local_server) -> None:
    out = tmp_path / "modules.json"
    modules = imported_by(
        tmp_path, "ddb", "list-tables", "--json", "--endpoint", local_server.endpoint
    )
    assert "botocore" in modules  # the probe saw the request being sent
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))
    full = set(json.loads(out.read_text()))
    assert full.isdisjoint(NOT_FOR_LIST_TABLES), sorted(full & set(NOT_FOR_LIST_TABLES))


def test_the_cli_default_table_is_the_models() -> None:
    """The CLI shows the table name without importing the model (issue 16)."""
    from workbench import constants
    from workbench.model import CRUDDUR

    assert constants.CRUDDUR_TABLE_NAME == CRUDDUR.table.name
