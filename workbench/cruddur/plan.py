"""Going to AWS: what production needs, as a plan the package generates and shows.

The plan is the list of AWS calls that set up pattern E for real: the table with its stream,
a VPC gateway endpoint for DynamoDB, the Lambda's role with exactly the permissions it uses
(PutItem, DeleteItem and Query on the table *and* index ARNs: the bootcamp's first policy
lacked them), the function from ``workbench lambda package``, and its stream trigger.
Nothing is sent unless :meth:`ProductionPlan.apply` is called on an ``aws`` engine with the
table name typed as confirmation (``moto`` is accepted too, as the test double).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfirmationRequired, WorkbenchError
from ..model import CRUDDUR, GSI_NAME

FUNCTION_NAME = "cruddur-messaging-stream"
ROLE_NAME = "CruddurDdbStreamExecRole"
POLICY_NAME = "cruddur-message-stream-policy"
MANAGED_POLICIES = (
    # Stream reads and logs, and the network interfaces a function in a VPC needs.
    "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
)
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@dataclass
class Step:
    """One AWS call of the plan."""

    number: int
    service: str
    operation: str
    why: str
    request: dict[str, Any]

    @property
    def method(self) -> str:
        """The boto3 client method."""
        import re

        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.operation).lower()


def table_arn(region: str, account_id: str, table_name: str) -> str:
    """The table's ARN."""
    return f"arn:aws:dynamodb:{region}:{account_id}:table/{table_name}"


def stream_policy(region: str, account_id: str, table_name: str) -> dict[str, Any]:
    """The inline policy: exactly what the handler calls, on the table and its GSI.

    TransactWriteItems is authorised per action inside it, so PutItem and DeleteItem cover
    the atomic move of a group summary.
    """
    arn = table_arn(region, account_id, table_name)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"],
                "Resource": [arn, f"{arn}/index/{GSI_NAME}"],
            }
        ],
    }


@dataclass
class ProductionPlan:
    """The steps to run Cruddur's messages and pattern E on AWS."""

    region: str
    account_id: str
    table_name: str
    steps: list[Step] = field(default_factory=list)

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per step, for a DataFrame."""
        return [
            {"step": s.number, "service": s.service, "operation": s.operation, "why": s.why}
            for s in self.steps
        ]

    def to_frame(self) -> Any:
        """The steps as a DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.to_rows()).set_index("step")

    def step(self, operation: str) -> Step:
        """The step with this operation name (e.g. ``PutRolePolicy``)."""
        for step in self.steps:
            if step.operation == operation:
                return step
        raise WorkbenchError(f"no step {operation!r}; steps: {[s.operation for s in self.steps]}")

    def apply(self, engine: Any, *, confirm: str | None = None) -> dict[str, Any]:
        """Send every step, in order, filling in ARNs as they become known.

        :param confirm: must equal the table name: creating AWS resources costs money.
        :raises WorkbenchError: on an engine other than ``aws`` (or ``moto``, for tests).
        :raises ConfirmationRequired: without the confirmation.
        """
        if engine.name not in ("aws", "moto"):
            raise WorkbenchError(
                f"the production plan is only sent to AWS; engine {engine.name!r} gets nothing. "
                "Use --engine aws (or moto to rehearse)"
            )
        if confirm != self.table_name:
            raise ConfirmationRequired(
                f"applying the plan creates AWS resources in {self.region}; pass "
                f"confirm={self.table_name!r} to go ahead"
            )
        results: dict[str, Any] = {}
        for step in self.steps:
            request = json.loads(json.dumps(step.request))
            if step.operation == "CreateFunction":
                request["Role"] = results["CreateRole"]["Role"]["Arn"]
                request["Code"] = {"ZipFile": Path(request["Code"]["ZipFile"]).read_bytes()}
            if step.operation == "CreateEventSourceMapping":
                request["EventSourceArn"] = results["CreateTable"]["TableDescription"][
                    "LatestStreamArn"
                ]
            client = engine.client(step.service)
            results[step.operation] = getattr(client, step.method)(**request)
        return results


def production_plan(
    *,
    region: str = "ca-central-1",
    account_id: str = "123456789012",
    table_name: str = CRUDDUR.table.name,
    vpc_id: str = "vpc-0123456789abcdef0",
    route_table_ids: tuple[str, ...] = ("rtb-0123456789abcdef0",),
    subnet_ids: tuple[str, ...] = ("subnet-0123456789abcdef0",),
    security_group_ids: tuple[str, ...] = ("sg-0123456789abcdef0",),
    zip_path: str = "build/cruddur-messaging-stream.zip",
    batch_size: int = 10,
) -> ProductionPlan:
    """Build the plan (nothing is sent). Ids default to placeholders to fill in.

    :param batch_size: records per Lambda invocation; our handler processes every record
        (the original read only ``Records[0]`` and needed a batch size of 1).
    """
    arn = table_arn(region, account_id, table_name)
    role_arn = f"arn:aws:iam::{account_id}:role/{ROLE_NAME}"
    steps = [
        (
            "dynamodb",
            "CreateTable",
            "the table, its GSI, and the NEW_IMAGE stream pattern E reads",
            CRUDDUR.table.create_table_request(table_name),
        ),
        (
            "ec2",
            "CreateVpcEndpoint",
            "a gateway endpoint so the Lambda in the VPC reaches "
            "DynamoDB without a NAT (gateway endpoints have no charge)",
            {
                "VpcEndpointType": "Gateway",
                "VpcId": vpc_id,
                "ServiceName": f"com.amazonaws.{region}.dynamodb",
                "RouteTableIds": list(route_table_ids),
                "TagSpecifications": [
                    {
                        "ResourceType": "vpc-endpoint",
                        "Tags": [{"Key": "Name", "Value": "ddb-cruddur"}],
                    }
                ],
            },
        ),
        (
            "iam",
            "CreateRole",
            "the Lambda's execution role",
            {"RoleName": ROLE_NAME, "AssumeRolePolicyDocument": json.dumps(LAMBDA_TRUST)},
        ),
        *[
            (
                "iam",
                "AttachRolePolicy",
                "stream reads, logs and VPC networking",
                {"RoleName": ROLE_NAME, "PolicyArn": policy},
            )
            for policy in MANAGED_POLICIES
        ],
        (
            "iam",
            "PutRolePolicy",
            "exactly PutItem, DeleteItem and Query on the table and index",
            {
                "RoleName": ROLE_NAME,
                "PolicyName": POLICY_NAME,
                "PolicyDocument": json.dumps(stream_policy(region, account_id, table_name)),
            },
        ),
        (
            "lambda",
            "CreateFunction",
            "the handler from `workbench lambda package`, in the VPC",
            {
                "FunctionName": FUNCTION_NAME,
                "Runtime": "python3.12",
                "Role": role_arn,
                "Handler": "lambda_function.lambda_handler",
                "Code": {"ZipFile": zip_path},
                "Timeout": 30,
                "MemorySize": 128,
                "Environment": {"Variables": {"DDB_MESSAGE_TABLE": table_name}},
                "VpcConfig": {
                    "SubnetIds": list(subnet_ids),
                    "SecurityGroupIds": list(security_group_ids),
                },
            },
        ),
        (
            "lambda",
            "CreateEventSourceMapping",
            "the stream trigger; failed records are retried and reported one by one",
            {
                "FunctionName": FUNCTION_NAME,
                "EventSourceArn": f"{arn}/stream/<from CreateTable>",
                "StartingPosition": "LATEST",
                "BatchSize": batch_size,
                "MaximumRetryAttempts": 5,
                "BisectBatchOnFunctionError": True,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
            },
        ),
    ]
    return ProductionPlan(
        region,
        account_id,
        table_name,
        [
            Step(number, service, operation, why, request)
            for number, (service, operation, why, request) in enumerate(steps, start=1)
        ],
    )
