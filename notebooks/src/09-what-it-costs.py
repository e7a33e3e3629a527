# %% [markdown]
# # 09 · What it costs, and where it throttles
#
# The bootcamp created `cruddur-messages` with **5 RCU and 5 WCU provisioned** on the table and
# on its GSI. What does that hold, which pattern throttles first, at what traffic, and what
# would on-demand cost instead?
#
# The workbench answers from three things: the model (`models/cruddur.yaml`), its sample data,
# and a traffic profile beside it (`models/cruddur.traffic.yaml`: 2,000 users sending 20
# messages a day, each read 3 times, peak 4 times the average). Each pattern runs on the
# sample data over several conversations and pages; its capacity is **computed by DynamoDB's
# rules** (notebook 03); units per request times requests per second give units per second,
# and the dated price file turns them into dollars. A month is 730 hours. What a pattern
# causes is priced with it: pattern E queries the GSI, then moves both group summaries
# (`follows: [{pattern: move-message-group, times: 2}]` in the model).

# %% tags=["parameters"]
engine = None  # None: measure in in-process moto; or local, endpoint, aws
endpoint = None
model_file = "../models/cruddur.yaml"

# %%
import pandas as pd

from workbench.design.cost import open_study
from workbench.engine.engines import connect

pd.set_option("display.width", 160)
pd.set_option("display.precision", 4)
measured_on = connect(engine, endpoint) if (engine or endpoint) else None
study = open_study(model_file, engine=measured_on)
print(study.traffic.description)
print(f"{len(study.items)} sample items; {study.prices.label}; a month is 730 hours")

# %% [markdown]
# ## Units per request, per second, and dollars a month
#
# p50 and p95 are over the conversations and pages each read ran on. The average traffic is
# charged at the mean units, the peak at the p95. *Provisioned for the peak* holds the peak's
# units all month; *auto scaling* follows the average at a 70% target utilisation.

# %%
costs = study.costs()
columns = [
    "operation",
    "unit",
    "units_p50",
    "units_p95",
    "requests_avg",
    "units_per_s_avg",
    "units_per_s_peak",
    "on_demand_month",
    "provisioned_peak_month",
    "autoscaled_month",
    "prices",
]
assert costs.loc["new-message-group", "units_p50"] == 8  # D: 6 WCU on the table, 2 on the GSI
assert costs.loc["post-message", "units_p50"] == 1
costs[columns]

# %% [markdown]
# ## Pattern E, whole
#
# On every message the stream Lambda queries the GSI (half a unit) and then moves each of the
# two summaries: the sort key is the latest message's time, so a move deletes the old item and
# puts the new one, in one transaction. A transaction costs twice on the table (2 + 2 WCU) and
# the GSI loses the old entry and gains the new (1 + 1): **6 WCU a move, 12 per message**. The
# moves have their own row (`caused_by`), at twice E's rate, and E's row shows itself whole:

# %%
from workbench.design.cost.followups import whole_units

e = costs.loc["update-message-group"]
assert (e["follows"], e["follow_wcu"]) == ("2 x move-message-group", 12)
assert costs.loc["move-message-group", "caused_by"] == "2 per update-message-group"
print(
    f"E per message: {whole_units(e)}; ${e['whole_on_demand_month']:.2f}/month on-demand "
    f"(${e['on_demand_month']:.2f} of it the query), "
    f"${e['whole_provisioned_peak_month']:.2f} provisioned for the peak ({study.prices.label})"
)
costs.loc[
    ["update-message-group", "move-message-group"],
    ["unit", "units_mean", "requests_avg", "follows", "caused_by", "follow_wcu"]
    + ["on_demand_month", "whole_on_demand_month"],
]

# %%
totals = study.totals()
print(
    f"on-demand ${totals['on_demand_month']:.2f}/month, provisioned for the peak "
    f"${totals['provisioned_peak_month']:.2f}, auto scaling ${totals['autoscaled_month']:.2f} "
    f"({study.prices.label})"
)
ax = study.cost_chart()

# %% [markdown]
# Provisioned capacity costs the same whether it is used or not; on-demand costs per request.
# Below about 29% average use of what you provision, on-demand is cheaper:

# %%
ax = study.break_even_chart()
print(f"break-even at {study.prices.break_even(read=False):.1%} average use")

# %% [markdown]
# ## The bootcamp's 5/5 table: which pattern throttles first
#
# Peak demand on each provisioned resource (the table and the GSI, reads and writes), and the
# multiple of this traffic at which it runs out. E's moves (8 WCU on the table per message)
# use up the table's 5 WCU first, well below this traffic; of the reads, A (the chat window)
# asks most of the table's 5 RCU.

# %%
headroom = study.headroom()
first = headroom.iloc[0]
assert (first["where"], first["unit"], first["mostly"]) == ("table", "WCU", "move-message-group")
assert first["throttles_at"] < 1  # the 5/5 table does not hold 2,000 users' peak
users = study.traffic.variables["users"] * first["throttles_at"]
print(
    f"the table's {first['unit']} throttles first, at {first['throttles_at']:.2f}x this "
    f"traffic: about {users:,.0f} users (mostly {first['mostly']})"
)
headroom

# %% [markdown]
# Each pattern alone: how many requests a second the 5/5 table sustains.

# %%
study.pattern_limits()

# %% [markdown]
# ## What on-demand would cost instead
#
# At ten times the traffic the 5/5 table throttles on reads too; on-demand simply bills it:

# %%
bigger = study.at(10)
ten = bigger.totals()
print(
    f"20,000 users: on-demand ${ten['on_demand_month']:.2f}/month, provisioned for the peak "
    f"${ten['provisioned_peak_month']:.2f} ({study.prices.label})"
)
assert round(ten["on_demand_month"], 6) == round(10 * totals["on_demand_month"], 6)
bigger.headroom()[["where", "unit", "provisioned", "peak_demand", "use"]]

# %% [markdown]
# ## Storage
#
# Item sizes plus 100 bytes per item in the table and in each index it lands in; a year of
# messages, and a year of growth. The first 25 GB each month are free.

# %%
storage = study.storage()
print(
    f"{totals['gb_now']:.2f} GB now, {totals['gb_later']:.2f} GB in 12 months: "
    f"${totals['storage_month_later']:.2f}/month then ({study.prices.label})"
)
storage

# %% [markdown]
# ## GSI write amplification
#
# Two writes touch items the sparse GSI holds, both summaries: D puts them (2 of its 8 WCU),
# and each of E's moves deletes a summary's entry and puts the new one (2 of its 6 WCU), twice
# per message. A KEYS_ONLY projection would not save any here, since each summary is under
# 1 KB either way.

# %%
amplification = study.amplification()
assert list(amplification["pattern"]) == ["new-message-group", "move-message-group"]
amplification

# %% [markdown]
# ## Hot partitions
#
# Each conversation's share of the traffic follows its share of the sample data (skewed like a
# chat: a few conversations hold most messages). Against 3,000 RCU and 1,000 WCU per
# partition, none comes close at this traffic:

# %%
assert study.hot_keys() == []
study.partitions().head()

# %% [markdown]
# At 2,000 times this traffic (four million users, and one conversation with the share the
# busiest sample conversation has), that conversation would throttle; a key suffix over N
# shards spreads its writes, and reading it then takes N queries:

# %%
huge = study.at(2000)
print("\n".join(huge.hot_keys()) or "none")
huge.sharding()

# %%
if measured_on is not None:
    measured_on.close()
