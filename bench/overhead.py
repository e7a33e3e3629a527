"""Figure 2: patterns A and B through the workbench against a bare boto3 query.

The workbench side is the pattern scripts (build the request, send it, shape the items as
the app did); the bare side is ``client.query`` with the very same parameters.
"""

from __future__ import annotations

from typing import Any

from workbench.cruddur.queries import get_conversation, list_conversations
from workbench.model import SEED_GROUP_UUID

from .common import Figure, interleaved_medians


def run(engine: Any, table: str, users: Any, *, rounds: int) -> list[Figure]:
    """Median of each, interleaved; the ratio must stay within 10 %."""
    client = engine.client("dynamodb")
    me = users.require_handle("andrewbrown")
    a_params = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": f"MSG#{SEED_GROUP_UUID}"}},
        "ScanIndexForward": False,
        "Limit": 20,
        "ReturnConsumedCapacity": "TOTAL",
    }
    b_params = {**a_params, "ExpressionAttributeValues": {":pk": {"S": f"GRP#{me.uuid}"}}}
    medians = interleaved_medians(
        {
            "A workbench": lambda: get_conversation(engine, SEED_GROUP_UUID, table),
            "A boto3": lambda: client.query(**a_params),
            "B workbench": lambda: list_conversations(
                engine, "andrewbrown", table, directory=users
            ),
            "B boto3": lambda: client.query(**b_params),
        },
        rounds,
    )
    figures = []
    for letter in "AB":
        ratio = medians[f"{letter} workbench"] / medians[f"{letter} boto3"]
        figures.append(
            Figure(
                2,
                f"pattern {letter} overhead vs bare boto3 query",
                ratio,
                "<= 1.10x",
                ratio <= 1.10,
                details={
                    "workbench_ms": medians[f"{letter} workbench"] * 1000,
                    "boto3_ms": medians[f"{letter} boto3"] * 1000,
                },
            )
        )
    return figures
