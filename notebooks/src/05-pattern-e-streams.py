# %% [markdown]
# # 05 · Pattern E: group summaries kept current by the stream
#
# Posting a message (C) writes only the Message. Each member's MessageGroup summary must then
# move to it: its sort key becomes the message's time and its `message` the new text, so B
# lists the conversation first. On AWS a Lambda does this, triggered by the table's stream.
#
# Locally there is no Lambda, so the workbench brings the other half: a **runner** that reads
# the stream (every shard, in order, with checkpoints) and hands batches to the **same
# handler** that ships to Lambda (`workbench lambda package`). The handler fixes the
# original's bugs: it handles every record of a batch, moves each summary atomically, ignores
# replays, and never lets an older message overwrite a newer summary.

# %% tags=["parameters"]
engine = None
endpoint = None
table_name = "cruddur-messages-nb05"
now = "2026-11-22T07:45:00+00:00"

# %%
import pandas as pd

import workbench as wb
from workbench.cruddur.stream import handle_records
from workbench.model import SEED_GROUP_UUID

wb.setup_display()

session = wb.open_session(engine=engine, endpoint=endpoint, table_name=table_name, now=now)
session.schema_load()
seeded = session.seed()
session.messenger.send_message("bayko", "Pancakes at 10!", message_group_uuid=SEED_GROUP_UUID)
session.messenger.send_message(
    "andrewbrown", "Coffee is on me.", message_group_uuid=SEED_GROUP_UUID
)
first = session.messenger.send_message("andrewbrown", "Hello Londo!", to_handle="londo")

# %% [markdown]
# ## The stream records
#
# Every write appears on the stream with its new image (`NEW_IMAGE`, declared by the model).
# A runner with a handler that only collects shows them:

# %%
seen = []
collector = session.stream_runner(handler=lambda event, context: seen.extend(event["Records"]))
collector.run_once()
records = pd.DataFrame(
    [
        {
            "event": r["eventName"],
            "pk": r["dynamodb"]["Keys"]["pk"]["S"][:12] + "…",
            "sk": r["dynamodb"]["Keys"]["sk"]["S"],
            "message": r["dynamodb"].get("NewImage", {}).get("message", {}).get("S", ""),
        }
        for r in seen
    ]
)
assert len(records) == seeded.messages + 2 + 2 + 3
records.tail(6)

# %% [markdown]
# Before the runner, the summaries still point at the seed's last message, and `londo`'s new
# group is summarised at its first message:

# %%
before = session.gsi_view()[["pk", "message", "user_handle"]]
assert set(before.loc[SEED_GROUP_UUID]["message"]) == {seeded.last_message}
before

# %% [markdown]
# ## The handler
#
# `handle_records` is the Lambda's core. Given the records written after the seed, it ignores
# the summaries' own records, folds the seeded group's two new messages into the newest, and
# moves both of that group's summaries; the D group's summaries are already at its only
# message, so they are left alone.

# %%
fresh = [r for r in seen if r["dynamodb"]["Keys"]["sk"]["S"] > seeded.last_at]
result = handle_records(fresh, client=session.engine.client("dynamodb"), table_name=table_name)
assert (result.records, result.messages, result.moved, result.failed) == (5, 3, 2, [])
result.to_dict()

# %% [markdown]
# ## The runner
#
# The runner delivers the whole stream to the handler (in batches, with a checkpoint). Records
# already handled change nothing: replays are harmless.

# %%
runner = session.stream_runner(batch_size=50)
stats = runner.run_once()
print(f"{stats.records} records in {stats.batches} batches, {stats.failures} failed")
after = session.gsi_view()[["pk", "message", "user_handle"]]
assert set(after.loc[SEED_GROUP_UUID]["message"]) == {"Coffee is on me."}
after

# %% [markdown]
# B now lists each conversation at its latest message:

# %%
groups = session.messenger.list_message_groups("andrewbrown").to_frame()
assert list(groups["message"]) == ["Hello Londo!", "Coffee is on me."]
groups

# %% [markdown]
# ## In the background
#
# In a live session the runner polls in a thread. `wait_until_caught_up` blocks until
# everything written before the call has been handled.

# %%
with session.stream_runner() as live:
    sent = session.messenger.send_message("londo", "See you Saturday?", to_handle="andrewbrown")
    live.wait_until_caught_up(timeout=30)
summaries = session.gsi_view().loc[first.message_group_uuid]
assert set(summaries["message"]) == {"See you Saturday?"}
assert set(summaries.index) == {sent.created_at}
summaries[["pk", "message", "user_handle"]]

# %% [markdown]
# ## The Lambda zip
#
# The same handler, packaged for AWS (notebook 08 shows the rest of the deployment). It holds
# only the handler and the pure model modules: no pandas, no click.

# %%
from workbench.cruddur.stream.package import package_lambda, zip_contents

archive = package_lambda("../build/cruddur-messaging-stream.zip")
contents = zip_contents(archive)
assert "lambda_function.py" in contents and not any("frames" in n for n in contents)
contents

# %%
session.close()
