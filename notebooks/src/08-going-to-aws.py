# %% [markdown]
# # 08 · Going to AWS
#
# Everything so far ran locally. Production needs more than the table: the stream must reach
# a Lambda, the Lambda needs exactly the permissions it uses, and a Lambda inside a VPC needs a
# route to DynamoDB. The bootcamp did these steps by hand in the console, and students lost
# hours to the missing ones (the index ARN in the policy, the stream view type, the VPC
# endpoint).
#
# The workbench generates the whole set-up as a **plan**: the exact AWS calls, in order. It
# sends nothing unless you apply it on the `aws` engine and type the table name to confirm.

# %% tags=["parameters"]
engine = None
endpoint = None
table_name = "cruddur-messages"
now = "2026-11-22T07:45:00+00:00"
region = "ca-central-1"
account_id = "123456789012"  # yours, from `aws sts get-caller-identity`

# %%
import json

import workbench as wb
from workbench.cruddur.plan import production_plan

wb.setup_display()

plan = production_plan(region=region, account_id=account_id, table_name=table_name)
steps = plan.to_frame()
assert list(steps["operation"]) == [
    "CreateTable",
    "CreateVpcEndpoint",
    "CreateRole",
    "AttachRolePolicy",
    "AttachRolePolicy",
    "PutRolePolicy",
    "CreateFunction",
    "CreateEventSourceMapping",
]
steps

# %% [markdown]
# ## The table, with its stream
#
# The same `CreateTable` as `schema-load`: keys, GSI, 5/5 throughput and the `NEW_IMAGE`
# stream the Lambda reads (the bootcamp turned it on in the console afterwards).

# %%
table = plan.step("CreateTable").request
assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
{k: table[k] for k in ("TableName", "BillingMode", "ProvisionedThroughput", "StreamSpecification")}

# %% [markdown]
# ## The Lambda's permissions: exactly what it calls
#
# The handler queries the GSI and moves summaries with a transaction of a delete and a put.
# Transactions are authorised per action, so the inline policy is `PutItem`, `DeleteItem` and
# `Query`, on the table **and** the index ARN (without the index ARN the query is denied: the
# bootcamp's most common week-5 error). Stream reads, logs and VPC networking come from AWS's
# managed policies.

# %%
policy = json.loads(plan.step("PutRolePolicy").request["PolicyDocument"])
statement = policy["Statement"][0]
assert sorted(statement["Action"]) == ["dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Query"]
assert statement["Resource"][1].endswith("/index/message-group-sk-index")
print(json.dumps(policy, indent=2))

# %% [markdown]
# ## The function and its trigger
#
# The zip from `workbench lambda package`, handler `lambda_function.lambda_handler`, the table
# name from the environment (the original hard-coded it and the region). The trigger reads
# batches of 10: the handler processes every record (the original needed a batch size of 1),
# and reports failed records one by one (`ReportBatchItemFailures`).

# %%
function = plan.step("CreateFunction").request
trigger = plan.step("CreateEventSourceMapping").request
assert function["Environment"]["Variables"] == {"DDB_MESSAGE_TABLE": table_name}
assert trigger["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
{
    "handler": function["Handler"],
    "runtime": function["Runtime"],
    "environment": function["Environment"],
    "batch size": trigger["BatchSize"],
    "starting position": trigger["StartingPosition"],
}

# %% [markdown]
# ## The VPC gateway endpoint
#
# The Lambda runs in the VPC (next to the RDS database); a gateway endpoint gives it a route to
# DynamoDB without a NAT gateway, at no charge.

# %%
endpoint_request = plan.step("CreateVpcEndpoint").request
assert endpoint_request["ServiceName"] == f"com.amazonaws.{region}.dynamodb"
endpoint_request

# %% [markdown]
# ## Nothing is sent unless you mean it
#
# `plan.apply(engine, confirm=table_name)` sends the steps in order, on the `aws` engine only
# (`moto` is accepted to rehearse). On any other engine it refuses; without the confirmation
# it refuses too:

# %%
local = wb.connect(engine, endpoint)
try:
    plan.apply(local, confirm=table_name)
    raise AssertionError("the plan was sent to a non-AWS engine")
except wb.WorkbenchError as exc:
    print(type(exc).__name__, "-", exc)
finally:
    local.close()

# %% [markdown]
# The plan is rehearsed in the test suite (`tests/test_plan.py`): applied to moto, which
# implements DynamoDB, IAM, EC2 and Lambda's control plane, it proves the calls are well formed
# and in a working order. To go live: `aws sts get-caller-identity` for your account id, fill in
# your VPC, route table, subnets and security group, build the zip, then
# `plan.apply(wb.connect("aws"), confirm=table_name)`.
