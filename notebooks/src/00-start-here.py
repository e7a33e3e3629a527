# %% [markdown]
# # 00 · Start here
#
# The **Cruddur DynamoDB workbench** is a notebook workbench for DynamoDB single-table design,
# built on the messages table of the Cruddur bootcamp (week 5): one table,
# `cruddur-messages`, holding conversations and their messages, with five access patterns:
#
# | | pattern | notebook |
# |---|---|---|
# | A | list the messages of a group | 03 |
# | B | list a user's message groups | 03 |
# | C | post to an existing group | 04 |
# | D | post to someone new (a new group) | 04 |
# | E | keep group summaries current from the table's stream | 05 |
#
# Everything runs against the workbench's **managed moto server**: moto (open source, Apache-2.0)
# serving DynamoDB, its streams, Cognito, IAM, STS, Lambda and CloudFormation in one process on
# 127.0.0.1, started and stopped by the package. Nothing is downloaded and no Java is needed.
# Capacity is computed by DynamoDB's documented rules, whatever engine answers. Every notebook
# checks its own results with `assert`, so `make run` (papermill) and `make test` (nbval) fail when
# a pattern breaks.
#
# The next cell holds the notebook's **parameters**; papermill replaces them when it runs the
# notebook (`make run` passes a shared server's `endpoint` and a table of its own).

# %% tags=["parameters"]
engine = (
    None  # "local" (default), "moto" (in-process), or "aws" (a real account: only if you mean it)
)
endpoint = None  # a DynamoDB URL, e.g. a DynamoDB Local you run yourself; set by `make run`
table_name = "cruddur-messages-nb00"
now = "2026-11-22T07:45:00+00:00"  # the clock: fixed, so outputs are the same on every run

# %% [markdown]
# ## Open a session
#
# `open_session` picks the engine. With no endpoint and no background instance
# (`workbench local start`), it starts a private server for this notebook and stops it again
# when the session closes.

# %%
import workbench as wb

wb.setup_display()

session = wb.open_session(engine=engine, endpoint=endpoint, table_name=table_name, now=now)
session.describe()

# %% [markdown]
# Where exactly it talks to (the port changes from run to run):

# %%
# NBVAL_IGNORE_OUTPUT
print(session.engine.describe())

# %% [markdown]
# ## What is running
#
# The server is moto's, behind a guard that lets through only requests signed with a secret made
# for this instance (so no web page you visit can reach it through the browser). The engine owns
# the instance it started:

# %%
server = session.engine.local_server  # None when the instance is shared (make run, make lab)
# (Its moto version is `server.version`; not printed here, so this page does not change with
# every moto patch release.)
print("started by this notebook:", f"moto's server, {server.mode}" if server else "no (shared)")

# %% [markdown]
# ### DynamoDB Local instead
#
# AWS's DynamoDB Local is not open source (AWS's own licence), so the workbench never downloads
# it. If you run it yourself, for example
# `docker run -p 8000:8000 amazon/dynamodb-local -jar DynamoDBLocal.jar -sharedDb -inMemory`,
# point the workbench at it: `endpoint="http://localhost:8000"` in this cell's parameters,
# `--endpoint` or `WORKBENCH_ENDPOINT` for the CLI, `make run ENDPOINT=http://localhost:8000` for
# every notebook. Keep `-sharedDb`: without it each access key and region gets a database of its
# own, and other clients see no tables. Where an engine reports its own capacity figure (DynamoDB
# Local, AWS), the workbench shows it beside the computed one.

# %% [markdown]
# A first call: the tables on the engine. The session has not created any yet.

# %%
from workbench.engine.tables import list_tables

tables = list_tables(session.engine)
assert table_name not in tables
sorted(tables)

# %% [markdown]
# ## The rest of the series
#
# | notebook | what it teaches |
# |---|---|
# | 01 · data model | one table, two entities, key templates, the charts, the sparse GSI |
# | 02 · schema, seed, scan | creating the table, seeding the conversation, item collections |
# | 03 · patterns A and B | reading: dry runs, DataFrames, capacity, paging with a cursor |
# | 04 · patterns C and D | writing: before/after, the transaction, bad input |
# | 05 · pattern E | the stream, the Lambda handler, the local event-source runner |
# | 06 · users and Cognito | the users directory, the local user pool, `update-cognito-user-ids` |
# | 07 · pitfalls | each bug of the original code, shown happening, then fixed |
# | 08 · going to AWS | what production needs, as a plan; nothing is sent |
# | 09 · what it costs | dollars a month per pattern, where the 5/5 table throttles, hot keys |
#
# ## Stop
#
# Closing the session stops the server it started (a background instance from
# `workbench local start` keeps running; stop it with `workbench local stop`).

# %%
session.close()
assert server is None or not server.is_running()
print("stopped:", server.mode if server else "nothing (a shared instance keeps running)")
