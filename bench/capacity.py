"""Figure 7: computed capacity per pattern against the documented minimum for the seed."""

from __future__ import annotations

from math import ceil
from typing import Any

from workbench.cruddur.app import Messenger
from workbench.cruddur.queries import get_conversation, list_conversations
from workbench.design.exercise import send_counted
from workbench.engine.dynamo import consumed, send
from workbench.model import CRUDDUR, SEED_GROUP_UUID
from workbench.model.cruddur import group_summaries_request, move_summary_request
from workbench.model.items import from_items

from .common import Figure

# What AWS charges for each pattern on the seed (docs/capacity.md works each one out):
# A reads 20 messages (> 4 KB, < 8 KB) eventually consistent; B and E's GSI query read under
# 4 KB; C puts one message (< 1 KB) outside the sparse GSI; D puts three items in a
# transaction (2 x 3 on the table) of which the two summaries land in the GSI (+2).
DOCUMENTED = {"A": 1.0, "B": 0.5, "E (GSI query)": 0.5, "C": 1.0, "D": 8.0}
# Later than any seed time, so C and D write after the seeded conversation.
PROBE_TIME = "2030-01-01T00:00:00+00:00"
# Pattern E whole, per message: the stream handler's GSI query and one move per summary it
# finds, each a TransactWriteItems of a Delete (the summary at its old sort key) and a Put (at
# the message's). Worked out by hand from the Developer Guide ("DynamoDB read and write
# operations", "Amazon DynamoDB Transactions", "Global secondary indexes"), without the
# package's capacity code: a write costs 1 WCU per 1 KB of the item (a delete, of the item
# deleted), a transactional one twice that, on the table; the GSI (projection ALL) holds both
# summaries, so the delete removes an entry (1 WCU per 1 KB of it) and the put adds one (the
# same), once each, not doubled. Seed summaries are well under 1 KB: 2 + 2 + 1 + 1 = 6 WCU a
# move, and the seed's conversation has two summaries: 0.5 RCU + 12 WCU per message.
E_MOVE_TIME = "2030-01-01T00:00:01+00:00"


def _bytes(item: dict[str, Any]) -> int:
    """An item's size by the documented rule, for string attributes: names plus values."""
    return sum(len(str(k).encode()) + len(str(v).encode()) for k, v in item.items())


def documented_move(old: dict[str, Any], new: dict[str, Any]) -> float:
    """WCU of one move by hand: the delete and the put twice on the table, once on the GSI."""
    kb = [max(1, ceil(_bytes(i) / 1024)) for i in (old, new)]
    return 2 * kb[0] + 2 * kb[1] + kb[0] + kb[1]


def whole_e(engine: Any, table: str) -> Figure:
    """Pattern E's full cost per message: its GSI query plus the moves of both summaries,
    each sent as the stream handler sends it, against the figure worked out by hand."""
    request = group_summaries_request(table, SEED_GROUP_UUID)
    response = send(engine, request)
    query = consumed(engine, request, response)
    summaries = from_items(response.get("Items", []))
    rcu, wcu, documented_wcu, at_least = query.total, 0.0, 0.0, query.at_least
    for summary in summaries:
        move = move_summary_request(table, summary, E_MOVE_TIME, "capacity probe")
        done = send_counted(engine, CRUDDUR, move)  # reads the old item first: exact
        wcu += done.capacity.total
        at_least = at_least or done.capacity.at_least
        new = {**summary, "sk": E_MOVE_TIME, "message": "capacity probe"}
        documented_wcu += documented_move(summary, new)
    documented_rcu = 0.5  # under 4 KB through the GSI, always eventually consistent
    ratio = (rcu + wcu) / (documented_rcu + documented_wcu) if documented_wcu else 0.0
    passed = (
        len(summaries) == 2
        and abs(rcu - documented_rcu) < 1e-9
        and abs(wcu - documented_wcu) < 1e-9
        and not at_least
    )
    floor = "at least " if at_least else ""
    return Figure(
        7,
        f"capacity of pattern E whole (GSI query + {len(summaries)} moves): {floor}{rcu:g} RCU "
        f"+ {wcu:g} WCU vs documented {documented_rcu:g} RCU + {documented_wcu:g} WCU",
        ratio,
        "= 1.00x",
        passed,
        details={
            "rcu": rcu,
            "wcu": wcu,
            "moves": len(summaries),
            "documented_rcu": documented_rcu,
            "documented_wcu": documented_wcu,
        },
        note="" if len(summaries) == 2 else f"pattern E found {len(summaries)} summaries, not 2",
    )


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
    figures.append(whole_e(engine, table))
    return figures
