"""CloudFormation export: templates pass cfn-lint and deploy into moto's CloudFormation."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from workbench.cruddur.plan import production_plan
from workbench.design.interop import cloudformation as cfn
from workbench.design.modelfile import load_model
from workbench.model import CRUDDUR

# Model files only: NAME.traffic.yaml beside a model is its traffic profile (docs/cost.md).
MODELS = sorted(
    p for p in (Path(__file__).parent.parent / "models").glob("*.yaml") if "." not in p.stem
)
IGNORED = {
    "TableArn",
    "TableName",
    "CreationDateTime",
    "LatestStreamArn",
    "LatestStreamLabel",
    "TableId",
    "IndexArn",
}


def _comparable(value):
    """DescribeTable without ARNs, times and names; lists in a stable order."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in IGNORED}
    if isinstance(value, list):
        return sorted(
            (_comparable(v) for v in value),
            key=lambda v: json.dumps(v, sort_keys=True, default=str),
        )
    return value


def _deploy(engine, template: dict, name: str, parameters: dict | None = None) -> dict:
    client = engine.client("cloudformation")
    client.create_stack(
        StackName=name,
        TemplateBody=json.dumps(template),
        Parameters=[
            {"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()
        ],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    stack = client.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    return {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in client.describe_stack_resources(StackName=name)["StackResources"]
    }


def _same_as_schema_load(engine, model, deployed_table: str) -> None:
    from workbench.engine.tables import schema_load

    schema_load(engine, "schema-loaded", model=model)
    ddb = engine.client("dynamodb")
    loaded = ddb.describe_table(TableName="schema-loaded")["Table"]
    deployed = ddb.describe_table(TableName=deployed_table)["Table"]
    assert _comparable(deployed) == _comparable(loaded)


@pytest.mark.parametrize("model", [*MODELS, "cruddur"], ids=lambda p: getattr(p, "stem", p))
def test_every_template_passes_cfn_lint(model) -> None:
    loaded = CRUDDUR if model == "cruddur" else load_model(model)
    template = cfn.template_for(loaded)
    assert cfn.lint(template) == []


def test_lint_finds_a_broken_template() -> None:
    template = cfn.table_template(CRUDDUR)
    template["Resources"]["Table"]["Properties"]["BillingMode"] = "FREE"
    assert any("FREE" in line for line in cfn.lint(template))


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_a_model_table_deploys_as_schema_load_creates_it(moto_engine, path: Path) -> None:
    model = load_model(path)
    template = cfn.table_template(model, table_name=f"{model.table.name}-stack")
    resources = _deploy(moto_engine, template, "table")
    _same_as_schema_load(moto_engine, model, resources["Table"])


def test_cruddur_production_plan_deploys(moto_engine, tmp_path: Path) -> None:
    from workbench.cruddur.stream.package import package_lambda

    ec2 = moto_engine.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    route_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    group = ec2.create_security_group(GroupName="lambda", Description="x", VpcId=vpc)["GroupId"]
    s3 = moto_engine.client("s3")
    s3.create_bucket(Bucket="code")
    s3.put_object(
        Bucket="code", Key="stream.zip", Body=package_lambda(tmp_path / "s.zip").read_bytes()
    )
    plan = production_plan(table_name="cruddur-messages-prod")
    template = cfn.cruddur_template(plan)
    resources = _deploy(
        moto_engine,
        template,
        "cruddur",
        {
            "VpcId": vpc,
            "RouteTableIds": route_table,
            "SubnetIds": subnet,
            "SecurityGroupIds": group,
            "CodeBucket": "code",
            "CodeKey": "stream.zip",
        },
    )
    assert set(resources) >= {
        "Table",
        "DynamoDbGatewayEndpoint",
        "StreamRole",
        "StreamFunction",
        "StreamTrigger",
        "FailedRecords",
    }
    _same_as_schema_load(moto_engine, CRUDDUR, resources["Table"])
    iam = moto_engine.client("iam")
    policy = iam.get_role_policy(
        RoleName=plan.step("CreateRole").request["RoleName"],
        PolicyName=plan.step("PutRolePolicy").request["PolicyName"],
    )
    wanted = json.loads(plan.step("PutRolePolicy").request["PolicyDocument"])
    document = policy["PolicyDocument"]
    if isinstance(document, str):  # moto keeps what CloudFormation gave it: Python's repr
        document = ast.literal_eval(document)
    policy = {"PolicyDocument": document}
    assert policy["PolicyDocument"]["Statement"][0]["Action"] == wanted["Statement"][0]["Action"]
    table_arn = moto_engine.client("dynamodb").describe_table(TableName=resources["Table"])[
        "Table"
    ]["TableArn"]
    assert policy["PolicyDocument"]["Statement"][0]["Resource"] == [
        table_arn,
        f"{table_arn}/index/message-group-sk-index",
    ]
    mapping = template["Resources"]["StreamTrigger"]["Properties"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert "OnFailure" in mapping["DestinationConfig"]
    function = moto_engine.client("lambda").get_function(FunctionName=resources["StreamFunction"])
    assert function["Configuration"]["Handler"] == "lambda_function.lambda_handler"
    endpoints = ec2.describe_vpc_endpoints()["VpcEndpoints"]
    assert [e["VpcEndpointType"] for e in endpoints] == ["Gateway"]


def test_cli_exports_templates(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from workbench.cli import cli

    out = tmp_path / "plan.json"
    result = CliRunner().invoke(
        cli, ["model", "export", "cruddur", "--format", "cloudformation", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "StreamTrigger" in json.loads(out.read_text())["Resources"]
