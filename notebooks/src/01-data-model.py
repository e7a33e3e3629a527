# %% [markdown]
# # 01 · The data model
#
# **Why one table?** DynamoDB has no joins. Instead of a `messages` table and a `groups`
# table queried together, single-table design stores every item an access pattern needs
# *next to each other*, under one partition key, so each pattern is one `Query`. Cruddur's
# direct messages need two kinds of item:
#
# - a **Message** per message, stored under its group (`MSG#{message_group_uuid}`), sorted by
#   time: pattern A reads the latest 20 in one query;
# - a **MessageGroup** summary per member of a conversation, stored under that member
#   (`GRP#{owner_user_uuid}`), sorted by the time of the last message: pattern B lists a
#   user's conversations, most recent first, in one query.
#
# The model is declared as data in `workbench.model` and checked when it is defined.

# %% tags=["parameters"]
engine = None
endpoint = None
table_name = "cruddur-messages-nb01"
now = "2026-11-22T07:45:00+00:00"

# %%
import workbench as wb
from workbench.model import MESSAGE, MESSAGE_GROUP

wb.setup_display()

# %% [markdown]
# ## The entity chart
#
# Each entity's key templates, how it appears in the GSI, and what else it stores. Fields in
# `{braces}` are values; `owner_user_uuid`, `last_message_at`, `message_group_uuid` (for
# messages) and `created_at` live only inside the keys.

# %%
entities = wb.entity_chart()
assert list(entities.index) == ["MessageGroup", "Message"]
entities

# %% [markdown]
# ## Key templates build keys and parse them back

# %%
key = MESSAGE_GROUP.key(
    owner_user_uuid="b4ad038e-17d3-51e7-9998-c61324fc6093",
    last_message_at="2026-11-22T07:45:00.000000+00:00",
)
parsed = MESSAGE_GROUP.keys["pk"].parse(key["pk"])
assert parsed == {"owner_user_uuid": "b4ad038e-17d3-51e7-9998-c61324fc6093"}
key, parsed

# %% [markdown]
# A whole Message item, exactly the attributes the bootcamp's code wrote:

# %%
item = MESSAGE.item(
    message_group_uuid="5ae290ed-55d1-47a0-bc6d-fe2bc2700399",
    created_at="2026-11-22T07:45:00.000000+00:00",
    message_uuid="m-1",
    message="hello",
    user_uuid="u-1",
    user_display_name="Andrew Brown",
    user_handle="andrewbrown",
)
assert "message_group_uuid" not in item
item

# %% [markdown]
# ## The access-pattern chart
#
# Every pattern, the operation it sends, the index, the key condition and the entity it
# returns. Notebooks 03 to 05 run each of them.

# %%
patterns = wb.pattern_chart()
assert list(patterns.index) == ["A", "B", "C", "D", "E"]
assert not patterns["operations"].str.contains("Scan").any()  # every pattern is a Query or a write
patterns

# %% [markdown]
# ## The sparse GSI
#
# `message-group-sk-index` is keyed on `message_group_uuid`. Only MessageGroup items carry that
# attribute (a Message keeps its group only inside `pk`), so the index holds just the two
# summaries of each conversation: pattern E finds them with one small query, however many
# messages the group has.

# %%
gsi_keys = entities.filter(like="message-group-sk-index")
assert gsi_keys.loc["Message"].eq("(not in index)").all()
gsi_keys

# %% [markdown]
# ## The table, as the exact `CreateTable` request
#
# Keys, the GSI with projection `ALL`, 5/5 provisioned throughput on both, and the stream
# (`NEW_IMAGE`), which the bootcamp switched on by hand in the console and we declare.

# %%
from workbench.engine.tables import create_table_request

request = create_table_request(table_name)
print(request.to_python())

# %% [markdown]
# ## A broken model is refused when it is defined
#
# Not at the first network call: a key template naming a field the entity does not have, a
# GSI key with no attribute definition, two entities sharing a prefix.

# %%
from workbench.errors import ModelError
from workbench.model import Entity, Model
from workbench.model.cruddur import PATTERNS, TABLE
from workbench.model.table import GlobalIndex, TableSpec

problems = []
try:
    Entity("Broken", {"pk": "GRP#{owner_uuid}", "sk": "{at}"}, ("at",), ("message",))
except ModelError as exc:
    problems.append(str(exc))
try:
    TableSpec("t-broken", "pk", "sk", {"pk": "S", "sk": "S"}, (GlobalIndex("by-group", "g", "sk"),))
except ModelError as exc:
    problems.append(str(exc))
try:
    copy = Entity("Copy", {"pk": "MSG#{g}", "sk": "{t}"}, ("g", "t"), ())
    Model(TABLE, (MESSAGE_GROUP, MESSAGE, copy), PATTERNS)
except ModelError as exc:
    problems.append(str(exc))
assert len(problems) == 3
for problem in problems:
    print("-", problem)
