# %% [markdown]
# # 02 · Schema, seed, scan
#
# The bootcamp's first three scripts: `schema-load` creates the table, `seed` writes one
# conversation between `andrewbrown` and `bayko`, `scan` reads everything back. Here each is
# one call, and the table is shown the way NoSQL Workbench draws it: item collections grouped
# by partition key (the aggregate view) and what the GSI holds.

# %% tags=["parameters"]
engine = None
endpoint = None
table_name = "cruddur-messages-nb02"
now = "2026-11-22T07:45:00+00:00"
seed_count = None  # how many messages to seed (None: the whole conversation, 116 lines)

# %%
import pandas as pd

import workbench as wb
from workbench.desk.plots import messages_over_time
from workbench.engine.tables import differences

wb.setup_display()

session = wb.open_session(engine=engine, endpoint=endpoint, table_name=table_name, now=now)

# %% [markdown]
# ## schema-load
#
# `DescribeTable` afterwards, compared with the model: keys, GSI, projection, throughput and
# stream must all match (an empty list of differences).

# %%
described = session.schema_load()
assert differences(described, wb.CRUDDUR.table) == []
pd.DataFrame(
    {
        "keys": [[(k["AttributeName"], k["KeyType"]) for k in described["KeySchema"]]],
        "GSI": [[g["IndexName"] for g in described["GlobalSecondaryIndexes"]]],
        "throughput": [
            (
                described["ProvisionedThroughput"]["ReadCapacityUnits"],
                described["ProvisionedThroughput"]["WriteCapacityUnits"],
            )
        ],
        "stream": [described["StreamSpecification"]["StreamViewType"]],
    },
    index=[described["TableName"]],
)

# %% [markdown]
# ## seed
#
# The seed users come from the users directory (notebook 06). Every message is in the past and
# the last one is at `now` (the original dated them up to 103 minutes in the future); the two
# GRP items summarise that last message; items go out 25 per `BatchWriteItem`, in parallel.
# Running it again replaces the conversation rather than adding a copy.

# %%
result = session.seed(count=seed_count)
again = session.seed(count=seed_count)
assert again.removed == result.messages + 2
print(again.summary().rsplit(" in ", 1)[0])

# %% [markdown]
# ## scan, as DataFrames
#
# Every item, key columns first and an `entity` column. Scan pages through the whole table
# (the original printed only the first 1 MB page).

# %%
items = session.items()
frame = wb.to_frame(items)
assert len(frame) == result.messages + 2
assert frame["entity"].value_counts().to_dict() == {"Message": result.messages, "MessageGroup": 2}
# The keys are the bootcamp's, exactly: GRP#{user uuid} and MSG#{group uuid}.
assert set(frame["pk"]) == {f"GRP#{session.user(h).uuid}" for h in ("andrewbrown", "bayko")} | {
    f"MSG#{result.message_group_uuid}"
}
frame.head(3)

# %% [markdown]
# ### The aggregate view: item collections by partition key
#
# Two collections for the users (`GRP#…`, one summary each) and one for the conversation
# (`MSG#…`, every message in time order).

# %%
aggregate = session.aggregate_view()
collections = aggregate.groupby(level="pk")["entity"].agg(["first", "size"])
assert collections["size"].sum() == len(items)
collections

# %%
aggregate.loc[[f"GRP#{session.user('andrewbrown').uuid}"]][
    ["entity", "message_group_uuid", "message", "user_handle"]
]

# %% [markdown]
# ### The GSI view
#
# `message-group-sk-index` holds only the summaries: it is sparse, because messages have no
# `message_group_uuid` attribute.

# %%
gsi = session.gsi_view()
assert len(gsi) == 2 and set(gsi["entity"]) == {"MessageGroup"}
gsi[["pk", "entity", "message", "user_handle"]]

# %% [markdown]
# ### Messages over time
#
# One message a minute, ending at `now`.

# %%
messages = frame[frame["entity"] == "Message"]
assert messages["sk"].max() == result.last_at  # the last message is at `now`, none later
ax = messages_over_time(items)

# %%
session.close()
