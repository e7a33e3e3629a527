# %% [markdown]
# # Model report
#
# One model file, checked end to end: its entities and access patterns as charts, each
# pattern's exact request (the dry run), the table created, sample data generated and loaded,
# then every pattern run on a typical partition and on the largest one, each result checked
# (only the pattern's entities come back, no Scan it does not declare, the page size kept,
# exactly the items its key condition selects) with the capacity it consumed.
# `workbench model report FILE` runs this notebook for any model file; `make run` runs it for
# every model under `models/`.

# %% tags=["parameters"]
model_file = "../models/shop.yaml"
engine = "moto"  # moto runs inside this kernel; or local, endpoint, aws
endpoint = None
table_name = None  # default: the model's table name
model_table = None  # the table of a file holding several (--table)
seed = None  # default: the file's sample_data seed
count = None  # items of each top-level entity (default: the file's sample_data counts)

# %%
import pandas as pd

from workbench.design.report import open_report

pd.set_option("display.max_colwidth", 120)
report = open_report(
    model_file,
    engine=engine,
    endpoint=endpoint,
    table_name=table_name,
    seed=seed,
    count=count,
    table=model_table,
)
print(report.model.description or "(no description)")
print(f"table {report.table_name!r} on {report.engine.describe()}; sample-data seed {report.seed}")

# %% [markdown]
# ## The entity chart
#
# Each entity's key templates, the index keys it carries, and its attributes.

# %%
report.entity_chart()

# %% [markdown]
# ## The access-pattern chart
#
# And what loading the model warned about (a Scan, a filter that drops most of what it reads).

# %%
report.pattern_chart()

# %%
report.warnings() or "no warnings"

# %% [markdown]
# ## Each pattern's request (the dry run)
#
# The exact boto3 call, for parameters taken from the sample data (a typical partition).

# %%
for name, row in report.dry_runs().iterrows():
    print(f"# {name} ({row.operation}) {row.params}\n{row.request}\n")

# %% [markdown]
# ## Schema-load and the sample data
#
# The `CreateTable` request, the table created, and the sample data written with the batched
# writer: counts per entity (and per parent, skewed where the file asks for hot partitions).

# %%
print(report.create_table_request().to_json())

# %%
loaded = report.load()
print(loaded.summary())
assert loaded.written == len(report.items)
report.entity_counts()

# %% [markdown]
# ## The partitions each read pattern runs on
#
# Typical (the median by size) and largest, of the items each pattern can select.

# %%
report.partition_table()

# %% [markdown]
# ## Every pattern run and checked
#
# Reads on both partitions, then each write once. `expected` is what the data says the key
# condition selects (up to the page size); `checks` lists every failed check.

# %%
report.run_patterns()
runs = report.runs_frame()
runs

# %%
assert not report.failures(), report.failures()
assert len(runs) >= len(report.model.patterns)

# %% [markdown]
# ## Capacity
#
# Computed by DynamoDB's rules (`workbench.engine.dynamo.consumed`) for each run.

# %%
report.capacity_chart()

# %% [markdown]
# ## What it costs
#
# Units per request measured on the sample data, times the traffic profile beside the model
# (`NAME.traffic.yaml`, docs/cost.md): dollars a month on-demand and provisioned, with the
# price date (a month is 730 hours); hot partitions; GSI write amplification.

# %%
from workbench.design.cost import open_study, traffic_path

study = open_study(model_file, engine=report.engine) if traffic_path(model_file).exists() else None
print(f"{study.prices.label}; a month is 730 hours" if study else "no traffic profile beside it")

# %%
if study:
    print("\n".join(study.hot_keys()) or "no hot partitions")
    display(study.costs())  # noqa: F821 - display is the notebook's own
    display(study.amplification())  # noqa: F821
    study.cost_chart()

# %% [markdown]
# ## The aggregate view and the GSI views
#
# The table's item collections, grouped by partition key, and what each global secondary
# index holds (a sparse index holds only the items that carry its keys).

# %%
report.aggregate_view().head(40)

# %%
for name, view in report.gsi_views().items():
    print(f"{name}: {len(view)} items")
    display(view.head(15))  # noqa: F821 - display is the notebook's own

# %%
report.close()
