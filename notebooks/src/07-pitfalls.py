# %% [markdown]
# # 07 · Pitfalls of the original design, and their fixes
#
# The bootcamp's code worked on the day it was recorded. Each of these bugs hides until a
# date, a time zone, a failure or a second user comes along. For each: the original
# behaviour, reproduced (`workbench.cruddur.pitfalls`), then the workbench's fix.

# %% tags=["parameters"]
engine = None
endpoint = None
table_name = "cruddur-messages-nb07"
now = "2026-11-22T07:45:00+00:00"

# %%
from datetime import UTC, datetime

import pandas as pd

import workbench as wb
from workbench.clock import format_ts, parse_ts
from workbench.cruddur import pitfalls
from workbench.cruddur.stream import handle_records
from workbench.engine.dynamo import send
from workbench.model import SEED_GROUP_UUID

wb.setup_display()

session = wb.open_session(engine=engine, endpoint=endpoint, table_name=table_name, now=now)
described = session.schema_load()

# %% [markdown]
# ## 1. The year filter hides every conversation after 1 January
#
# The original queries were `pk = :pk AND begins_with(sk, :year)` with this year's number.
# A conversation from New Year's Eve, read on 2 January:

# %%
new_years_eve = session.seed(now="2026-12-31T23:30:00+00:00")
january = datetime(2027, 1, 2, 9, 0, tzinfo=UTC)
original = send(session.engine, pitfalls.year_filter_request(table_name, SEED_GROUP_UUID, january))
fixed = session.messenger.list_messages("bayko", SEED_GROUP_UUID)
assert original["Items"] == [] and len(fixed.items) == 20
pd.DataFrame(
    {"messages shown": [len(original["Items"]), len(fixed.items)]},
    index=["original: begins_with(sk, '2027')", "fixed: pk = :pk, no filter"],
)

# %% [markdown]
# ## 2. Naive and aware timestamps sort wrongly
#
# The sort key is a string, and DynamoDB sorts strings byte by byte. The original wrote naive
# local times in one place, aware UTC in another, and `isoformat()` drops `.000000` when the
# microsecond is 0. Sorted as DynamoDB sorts them, the order is wrong:

# %%
rows = pd.DataFrame(pitfalls.mixed_timestamps())
by_string = list(rows.sort_values("sk as stored")["written by"])
by_time = list(rows.sort_values("instant (UTC)")["written by"])
assert by_string != by_time
pd.DataFrame({"DynamoDB's order (by string)": by_string, "true order (by time)": by_time})

# %% [markdown]
# The fix: one format everywhere, UTC with six fractional digits, so string order *is* time
# order:

# %%
rows["workbench sk"] = [format_ts(parse_ts(i)) for i in rows["instant (UTC)"]]
assert list(rows.sort_values("workbench sk")["written by"]) == by_time
rows[["written by", "sk as stored", "workbench sk"]]

# %% [markdown]
# ## 3. Seeded messages dated in the future
#
# The original seed stamped message *i* at `now + i minutes`: up to 103 minutes ahead, so the
# app showed negative "time ago". The workbench's seed ends at `now`:

# %%
start = datetime.fromisoformat(now)
original_times = pitfalls.original_seed_times(start)
seeded = session.seed()
ours = [m["sk"] for m in session.items() if m["pk"].startswith("MSG#")]
future_original = sum(datetime.fromisoformat(t) > start for t in original_times)
future_ours = sum(parse_ts(t) > start for t in ours)
assert future_original == 103 and future_ours == 0
pd.DataFrame(
    {"messages after now": [future_original, future_ours]},
    index=["original seed", "workbench seed"],
)

# %% [markdown]
# ## 4. Creating a group was not atomic
#
# The original wrote both summaries and the first message with `batch_write_item`, which
# promises nothing as a whole, and ignored `UnprocessedItems`. Under throttling DynamoDB
# writes part of a batch and hands the rest back; here the third write comes back unprocessed:

# %%
me, londo = session.user("andrewbrown").person(), session.user("londo").person()
broken_group = "0b5e5f3e-1111-4222-8333-444455556666"
pitfalls.original_create_message_group(
    session.engine, table_name, broken_group, format_ts(start), "hello?", me, londo
)
half = [i for i in session.items() if broken_group in (i.get("message_group_uuid"), i["pk"][4:])]
assert sorted(i["pk"][:4] for i in half) == ["GRP#", "GRP#"]  # summaries, but no message
pd.DataFrame(half)[["pk", "message_group_uuid", "message"]]

# %% [markdown]
# Both users now see a conversation whose message does not exist. Pattern D is one
# `TransactWriteItems`: if any part fails, nothing is written. The same failure injected into
# the third write:

# %%
count = len(session.items())
with pitfalls.failing_third_write(session.engine):
    try:
        session.messenger.send_message("bayko", "hello Londo", to_handle="londo")
        raise AssertionError("the broken transaction succeeded")
    except wb.WorkbenchError as exc:
        print(type(exc).__name__, "-", exc)
assert len(session.items()) == count  # nothing at all was written

# %% [markdown]
# ## 5. The Lambda read only `Records[0]`
#
# With a batch size above 1, every record after the first was dropped. Two messages arrive in
# one batch; the original handler moves the summaries to the *first*:

# %%
one = session.messenger.send_message("bayko", "first of two", message_group_uuid=SEED_GROUP_UUID)
two = session.messenger.send_message("bayko", "second of two", message_group_uuid=SEED_GROUP_UUID)
batch = [
    {
        "eventName": "INSERT",
        "dynamodb": {
            "Keys": {"pk": {"S": f"MSG#{SEED_GROUP_UUID}"}, "sk": {"S": sent.created_at}},
            "NewImage": {"message": {"S": sent.message}},
        },
    }
    for sent in (one, two)
]
pitfalls.original_lambda_handler(session.engine, table_name, {"Records": batch})
stale = set(session.gsi_view().loc[SEED_GROUP_UUID]["message"])
handle_records(batch, client=session.engine.client("dynamodb"), table_name=table_name)
current = set(session.gsi_view().loc[SEED_GROUP_UUID]["message"])
assert stale == {"first of two"} and current == {"second of two"}
pd.DataFrame(
    {"summaries show": [stale.pop(), current.pop()]},
    index=["original handler (Records[0])", "workbench handler (every record)"],
)

# %% [markdown]
# ## 6. Anyone could read any conversation
#
# The original `Messages.run` looked up the caller's uuid and never used it. `londo` is not in
# the seeded conversation:

# %%
leaked = pitfalls.original_list_messages(session.engine, table_name, SEED_GROUP_UUID, "londo-sub")
try:
    session.messenger.list_messages("londo", SEED_GROUP_UUID)
    refused = None
except wb.WorkbenchError as exc:
    refused = f"{type(exc).__name__}: {exc}"
assert len(leaked) == 20 and refused and "not a member" in refused
pd.DataFrame(
    {"result for londo": [f"{len(leaked)} messages", refused]},
    index=["original Messages.run", "workbench list_messages"],
)

# %%
session.close()
