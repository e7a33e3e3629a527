"""Figure 7: computed capacity per pattern against the documented minimum for the seed."""

from __future__ import annotations

from typing import Any

from workbench.cruddur.app import Messenger
from workbench.cruddur.queries import get_conversation, list_conversations
from workbench.engine.dynamo import consumed, send
from workbench.model import SEED_GROUP_UUID
from workbench.model.cruddur import group_summaries_request

from .common import Figure

# What AWS charges for each pattern on the seed (docs/capacity.md works each one out):
# A reads 20 messages (> 4 KB, < 8 KB) eventually consistent; B and E's GSI query read under
# 4 KB; C puts one message (< 1 KB) outside the sparse GSI; D puts three items in a
# transaction (2 x 3 on the table) of which the two summaries land in the GSI (+2).
DOCUMENTED = {"A": 1.0, "B": 0.5, "E (GSI query)": 0.5, "C": 1.0, "D": 8.0}
# Later than any seed time, so C and D write after the seeded conversation.
PROBE_TIME = "2030-01-01T00:00:00+00:00"


def run(engine: Any, table: str, users: Any) -> list[Figure]:
    """One figure per pattern: computed / documented (1.00 is the goal)."""
    measured = {
        "A": get_conversation(engine, SEED_GROUP_UUID, table).capacity,
        "B": list_conversations(engine, "andrewbrown", table, directory=users).capacity,
    }
    request = group_summaries_request(table, SEED_GROUP_UUID)
    measured["E (GSI query)"] = consumed(engine, request, send(engine, request))
    messenger = Messenger(engine, users, table, clock=PROBE_TIME)
    measured["C"] = messenger.send_message(
        "bayko", "capacity probe", message_group_uuid=SEED_GROUP_UUID
    ).capacity
    measured["D"] = messenger.send_message("andrewbrown", "hi", to_handle="londo").capacity
    figures = []
    for pattern, least in DOCUMENTED.items():
        capacity = measured[pattern]
        ratio = capacity.total / least
        note = ""
        if capacity.differs:
            note = f"pattern {pattern}: the engine reported {capacity.reported:g}"
        figures.append(
            Figure(
                7,
                f"capacity of pattern {pattern}: {capacity.label()} vs documented {least:g}",
                ratio,
                "= 1.00x",
                abs(ratio - 1) < 1e-9 and not capacity.at_least,
                details={
                    "computed": capacity.total,
                    "table": capacity.table,
                    "indexes": capacity.indexes,
                    "reported": capacity.reported,
                    "documented": least,
                },
                note=note,
            )
        )
    return figures
