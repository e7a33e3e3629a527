"""Figure 8: start-up. ``workbench --help`` and ``workbench ddb list-tables --json`` (on a
running managed server) against ``python -c "import boto3"``, each a fresh process.

Beside them, for the record, the floor of list-tables: a bare script importing boto3,
making one DynamoDB client and calling ``ListTables`` once, with no workbench code at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.engine.engines import SECRET_ENV

from .common import Figure, interleaved_medians

GOAL = 1.5
# What list-tables cannot do without: boto3, one client, one request (signed with the
# server's secret, which fresh_server puts in the environment).
FLOOR = (
    "import os, sys, boto3; boto3.client('dynamodb', endpoint_url=sys.argv[1], "
    "region_name='us-east-1', aws_access_key_id='workbench', "
    f"aws_secret_access_key=os.environ['{SECRET_ENV}']).list_tables()"
)


def _process(argv: list[str]) -> Callable[[], Any]:
    def call() -> None:
        subprocess.run(argv, check=True, capture_output=True, env=os.environ.copy())

    return call


def run(server: Any, *, rounds: int) -> list[Figure]:
    """Median wall time of each command over ``rounds`` shuffled rounds; ratios to boto3's."""
    workbench = str(Path(sys.executable).with_name("workbench"))
    medians = interleaved_medians(
        {
            "import boto3": _process([sys.executable, "-c", "import boto3"]),
            "help": _process([workbench, "--help"]),
            "list-tables": _process(
                [workbench, "ddb", "list-tables", "--json", "--endpoint", server.endpoint]
            ),
            "floor": _process([sys.executable, "-c", FLOOR, server.endpoint]),
        },
        rounds,
    )
    boto3 = medians["import boto3"]
    details = {f"{name}_ms": seconds * 1000 for name, seconds in medians.items()}
    figures = []
    for name, label in (
        ("help", "`workbench --help`"),
        ("list-tables", "`workbench ddb list-tables --json`"),
    ):
        ratio = medians[name] / boto3
        figures.append(
            Figure(
                8,
                f'start-up of {label} vs `python -c "import boto3"`',
                ratio,
                f"<= {GOAL}x",
                ratio <= GOAL,
                details=details,
                note=(
                    f"a bare boto3 client's ListTables takes {medians['floor'] / boto3:.2f}x"
                    if name == "list-tables"
                    else ""
                ),
            )
        )
    return figures
