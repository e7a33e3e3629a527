# %% [markdown]
# # 03 · Patterns A and B: reading
#
# - **A**, list the messages of a group: `Query pk = MSG#{group}`, newest first, `Limit 20`,
#   then shown oldest first, as a chat reads.
# - **B**, list my message groups: `Query pk = GRP#{me}`, newest first.
#
# Each is one `Query` on one item collection. For each: the exact request (a dry run, nothing
# sent), the result as a DataFrame, the capacity it consumed, and paging with the cursor.
# Neither filters on the year, unlike the original (notebook 07 shows why that mattered).

# %% tags=["parameters"]
engine = None
endpoint = None
table_name = "cruddur-messages-nb03"
now = "2026-11-22T07:45:00+00:00"

# %%
import pandas as pd

import workbench as wb
from workbench.desk.plots import capacity_by_pattern
from workbench.model import SEED_GROUP_UUID

wb.setup_display()

session = wb.open_session(engine=engine, endpoint=endpoint, table_name=table_name, now=now)
session.schema_load()
seeded = session.seed()

# %% [markdown]
# ## Pattern A: the dry run
#
# What the application sends, built by the model without touching DynamoDB:

# %%
request_a = session.dry_run("A", message_group_uuid=SEED_GROUP_UUID)
assert request_a.params["KeyConditionExpression"] == "pk = :pk"
assert request_a.params["ExpressionAttributeValues"] == {":pk": {"S": f"MSG#{SEED_GROUP_UUID}"}}
assert request_a.params["ScanIndexForward"] is False and request_a.params["Limit"] == 20
print(request_a.to_python())

# %% [markdown]
# ## Pattern A: the result
#
# As `bayko`, a member of the group. The 20 latest messages, oldest first.

# %%
page = session.messenger.list_messages("bayko", SEED_GROUP_UUID)
latest = page.to_frame()
assert len(latest) == 20
assert latest["created_at"].is_monotonic_increasing
assert latest["created_at"].iloc[-1] == seeded.last_at
latest.tail(5)

# %% [markdown]
# The capacity is **computed** by DynamoDB's documented rules (item sizes added up over the page,
# rounded up to 4 KB read units, half a unit each for an eventually consistent read), not taken
# from the engine: moto reports a constant. Every rule and its source: `docs/capacity.md`.

# %%
print(f"consumed capacity: {page.capacity.label()} for {len(page)} messages")
assert page.consumed_capacity == 1.0

# %% [markdown]
# ## Paging with the cursor
#
# `next` is an opaque cursor (DynamoDB's `LastEvaluatedKey`, encoded); passing it back
# continues with older messages. It only continues *this* conversation: a cursor from another
# query is refused.

# %%
pages = []
cursor = None
while True:
    page_n = session.messenger.list_messages("bayko", SEED_GROUP_UUID, cursor=cursor)
    pages.append(
        {
            "page": len(pages) + 1,
            "messages": len(page_n),
            "oldest": page_n.items[0]["created_at"] if page_n.items else None,
            "newest": page_n.items[-1]["created_at"] if page_n.items else None,
            "RCU": page_n.consumed_capacity,
        }
    )
    cursor = page_n.next
    if cursor is None:
        break
paging = pd.DataFrame(pages).set_index("page")
assert paging["messages"].sum() == seeded.messages
paging

# %% [markdown]
# ## Pattern B: the dry run and the result
#
# Every user's conversations, most recent first, each described by the *other* member.

# %%
me = session.user("andrewbrown")
request_b = session.dry_run("B", user_uuid=me.uuid)
assert request_b.params["ExpressionAttributeValues"] == {":pk": {"S": f"GRP#{me.uuid}"}}
print(request_b.to_python())

# %%
groups = {
    handle: session.messenger.list_message_groups(handle)
    for handle in ("andrewbrown", "bayko", "londo")
}
assert groups["andrewbrown"].items[0]["handle"] == "bayko"
assert groups["bayko"].items[0]["handle"] == "andrewbrown"
assert groups["londo"].items == []
pd.concat({h: p.to_frame() for h, p in groups.items()}, names=["as", "#"])

# %% [markdown]
# ## Only members may read a group
#
# The original service looked up the caller and then never checked membership. Here `londo`
# is refused:

# %%
try:
    session.messenger.list_messages("londo", SEED_GROUP_UUID)
    raise AssertionError("londo read a conversation he is not in")
except wb.WorkbenchError as exc:
    print(type(exc).__name__, "-", exc)

# %% [markdown]
# ## Capacity per pattern
#
# A `Query` is charged for what it reads of one item collection, in 4 KB units, half a unit
# each when eventually consistent: 20 messages (about 5 KB) cost 1 RCU. A scan to find the
# same messages reads, and pays for, the whole table.

# %%
from workbench.cruddur.scanner import scan

capacity = {
    "A: 20 messages": page.consumed_capacity,
    "B: my groups": groups["andrewbrown"].consumed_capacity,
    "scan (whole table)": scan(session.engine, table_name).consumed_capacity,
}
assert capacity["scan (whole table)"] > capacity["A: 20 messages"]
ax = capacity_by_pattern(capacity, unit="read capacity units")

# %%
session.close()
