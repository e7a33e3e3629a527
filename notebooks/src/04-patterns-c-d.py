# %% [markdown]
# # 04 · Patterns C and D: writing
#
# - **C**, post to an existing group: one `PutItem` of a Message, only by a member.
# - **D**, message someone you have no group with: both MessageGroup items *and* the first
#   Message in one `TransactWriteItems`, all or nothing. (The original used
#   `batch_write_item`, which is not atomic, and ignored its unprocessed items.) If the two
#   users already share a group, D posts there instead of creating a second one.
#
# Every write refuses to overwrite an item (`attribute_not_exists(pk)`): two messages in the
# same microsecond both survive.

# %% tags=["parameters"]
engine = None
endpoint = None
table_name = "cruddur-messages-nb04"
now = "2026-11-22T07:45:00+00:00"

# %%
import pandas as pd

import workbench as wb
from workbench.model import SEED_GROUP_UUID

wb.setup_display()

session = wb.open_session(engine=engine, endpoint=endpoint, table_name=table_name, now=now)
session.schema_load()
seeded = session.seed()
before = session.frame()
before["entity"].value_counts()

# %% [markdown]
# ## Pattern C: post to the seeded group
#
# `bayko` replies in the conversation he shares with `andrewbrown`. One new Message item;
# the summaries move later, through the stream (notebook 05).

# %%
reply = session.messenger.send_message(
    "bayko", "Pancakes at 10, don't be late!", message_group_uuid=SEED_GROUP_UUID
)
assert not reply.created_group and reply.request.operation == "PutItem"
print(reply.request.to_python())

# %%
after_c = session.frame()
new_c = after_c[~after_c.set_index(["pk", "sk"]).index.isin(before.set_index(["pk", "sk"]).index)]
assert len(new_c) == 1 and new_c["entity"].iloc[0] == "Message"
new_c[["pk", "sk", "entity", "message", "user_handle"]]

# %% [markdown]
# ## Pattern D: `andrewbrown` writes to `londo` for the first time
#
# The group's uuid derives from the pair of users, so two first messages racing each other
# name the same group. The exact transaction:

# %%
first = session.messenger.send_message(
    "andrewbrown", "Hello Londo, welcome to Cruddur!", to_handle="londo"
)
assert first.created_group and first.request.operation == "TransactWriteItems"
actions = first.request.params["TransactItems"]
pd.DataFrame(
    [
        {
            "action": kind,
            "pk": body["Item"]["pk"]["S"],
            "sk": body["Item"]["sk"]["S"],
            "condition": body["ConditionExpression"],
        }
        for action in actions
        for kind, body in action.items()
    ]
)

# %%
after_d = session.frame()
new_d = after_d[
    after_d["pk"].isin(
        [
            f"GRP#{session.user('andrewbrown').uuid}",
            f"GRP#{session.user('londo').uuid}",
            f"MSG#{first.message_group_uuid}",
        ]
    )
    & (after_d["sk"] == first.created_at)
]
assert sorted(new_d["entity"]) == ["Message", "MessageGroup", "MessageGroup"]
new_d[["pk", "entity", "message_group_uuid", "message", "user_handle"]]

# %% [markdown]
# ## What the writes cost
#
# Computed by DynamoDB's rules: each item written costs one write unit per 1 KB, twice inside a
# transaction, and each GSI the item lands in costs its own write. C writes one message (no GSI
# key: the index is sparse); D writes three items in a transaction (3 x 2) and puts the two
# summaries into the GSI (2), 8 WCU in all.

# %%
costs = pd.DataFrame(
    [
        {
            "pattern": "C",
            "total WCU": reply.capacity.total,
            "table": reply.capacity.table,
            **reply.capacity.indexes,
        },
        {
            "pattern": "D",
            "total WCU": first.capacity.total,
            "table": first.capacity.table,
            **first.capacity.indexes,
        },
    ]
).fillna(0)
assert list(costs["total WCU"]) == [1.0, 8.0]
costs.set_index("pattern")

# %% [markdown]
# `londo` answers with `--to andrewbrown`: they already share a group, so it is a pattern C
# post into it, not a second group.

# %%
answer = session.messenger.send_message(
    "londo", "Thank you! Happy to be here.", to_handle="andrewbrown"
)
assert not answer.created_group and answer.message_group_uuid == first.message_group_uuid
session.messenger.list_messages("andrewbrown", with_handle="londo").to_frame()

# %% [markdown]
# ## Bad input: every problem at once, nothing written
#
# The original `CreateMessage` kept only the last error, and its error branch crashed with a
# NameError. Here validation collects every problem before anything is written.

# %%
count_before = len(session.items())
cases = {
    "blank, to myself": dict(message="   ", to_handle="andrewbrown"),
    "too long, unknown user": dict(message="x" * 1025, to_handle="ghost"),
    "no group": dict(message="hi", message_group_uuid=""),
    "unknown group": dict(message="hi", message_group_uuid="00000000-0000-4000-8000-000000000000"),
}
rows = []
for case, kwargs in cases.items():
    try:
        session.messenger.send_message("andrewbrown", **kwargs)
    except wb.WorkbenchError as exc:
        rows.extend({"case": case, "field": f, "code": c, "problem": d} for f, c, d in exc.problems)
assert len(session.items()) == count_before
problems = pd.DataFrame(rows).set_index(["case", "field"])
assert set(problems["code"]) == {
    "message_blank",
    "user_receiver_is_sender",
    "message_exceed_max_chars_1024",
    "user_receiver_handle_unknown",
    "message_group_uuid_blank",
    "message_group_uuid_unknown",
}
problems

# %% [markdown]
# And a non-member cannot post into someone else's conversation:

# %%
try:
    session.messenger.send_message("londo", "let me in", message_group_uuid=SEED_GROUP_UUID)
    raise AssertionError("a non-member posted")
except wb.WorkbenchError as exc:
    print(type(exc).__name__, "-", exc)

# %%
session.close()
