"""The production plan: exact permissions, nothing sent off AWS, and a rehearsal on moto."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cruddur.plan import production_plan, stream_policy
from workbench.cruddur.stream import package_lambda
from workbench.engine.engines import connect
from workbench.errors import ConfirmationRequired, WorkbenchError


def test_policy_is_exactly_what_the_handler_calls() -> None:
    policy = stream_policy("ca-central-1", "111122223333", "cruddur-messages")
    (statement,) = policy["Statement"]
    assert sorted(statement["Action"]) == [
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
    ]
    assert statement["Resource"] == [
        "arn:aws:dynamodb:ca-central-1:111122223333:table/cruddur-messages",
        "arn:aws:dynamodb:ca-central-1:111122223333:table/cruddur-messages/index/"
        "message-group-sk-index",
    ]


def test_plan_steps_and_settings() -> None:
    plan = production_plan(table_name="t-prod", batch_size=5)
    assert [s.operation for s in plan.steps] == [
        "CreateTable",
        "CreateVpcEndpoint",
        "CreateRole",
        "AttachRolePolicy",
        "AttachRolePolicy",
        "PutRolePolicy",
        "CreateFunction",
        "CreateEventSourceMapping",
    ]
    assert plan.step("CreateTable").request["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    function = plan.step("CreateFunction").request
    assert function["Environment"]["Variables"] == {"DDB_MESSAGE_TABLE": "t-prod"}
    assert plan.step("CreateEventSourceMapping").request["BatchSize"] == 5
    with pytest.raises(WorkbenchError, match="no step 'DeleteTable'"):
        plan.step("DeleteTable")


def test_nothing_is_sent_to_a_non_aws_engine() -> None:
    plan = production_plan()
    with connect(endpoint="http://127.0.0.1:9") as engine:
        with pytest.raises(WorkbenchError, match="only sent to AWS; engine 'endpoint'"):
            plan.apply(engine, confirm=plan.table_name)


def test_applying_needs_the_table_name_as_confirmation(moto_engine) -> None:
    with pytest.raises(ConfirmationRequired, match="pass confirm='cruddur-messages'"):
        production_plan().apply(moto_engine)
    assert moto_engine.client("dynamodb").list_tables()["TableNames"] == []


def test_rehearsal_on_moto(moto_engine, tmp_path: Path) -> None:
    ec2 = moto_engine.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    route_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    group = ec2.create_security_group(GroupName="fn", Description="fn", VpcId=vpc)["GroupId"]
    plan = production_plan(
        region="us-east-1",
        table_name="cruddur-messages",
        vpc_id=vpc,
        route_table_ids=(route_table,),
        subnet_ids=(subnet,),
        security_group_ids=(group,),
        zip_path=str(package_lambda(tmp_path / "fn.zip")),
    )
    results = plan.apply(moto_engine, confirm="cruddur-messages")
    stream_arn = results["CreateTable"]["TableDescription"]["LatestStreamArn"]
    assert results["CreateEventSourceMapping"]["EventSourceArn"] == stream_arn
    iam = moto_engine.client("iam")
    policy = iam.get_role_policy(
        RoleName="CruddurDdbStreamExecRole", PolicyName="cruddur-message-stream-policy"
    )["PolicyDocument"]
    policy = json.loads(policy) if isinstance(policy, str) else policy
    assert policy["Statement"][0]["Resource"][1].endswith("/index/message-group-sk-index")
    attached = iam.list_attached_role_policies(RoleName="CruddurDdbStreamExecRole")
    assert len(attached["AttachedPolicies"]) == 2
    endpoints = ec2.describe_vpc_endpoints()["VpcEndpoints"]
    assert endpoints[0]["ServiceName"] == "com.amazonaws.us-east-1.dynamodb"
    function = moto_engine.client("lambda").get_function(FunctionName="cruddur-messaging-stream")
    assert function["Configuration"]["Handler"] == "lambda_function.lambda_handler"
