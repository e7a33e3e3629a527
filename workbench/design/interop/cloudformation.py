"""CloudFormation templates: any model's table, and Cruddur's whole production plan.

:func:`table_template` declares a model's table exactly as ``workbench ddb schema-load``
creates it (keys, GSIs and LSIs, billing, stream); :func:`tables_template` declares the
tables of several models (a NoSQL Workbench file of several tables) in one template.
:func:`cruddur_template` declares the production plan of :mod:`workbench.cruddur.plan` as one
stack: the table with its stream, the stream Lambda (its zip from ``workbench lambda
package``, uploaded to S3), its role with exactly the plan's inline policy, the VPC gateway
endpoint, and the event source mapping with partial batch responses, bisect on error and an
on-failure destination (an SQS queue).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import yaml

from ... import constants as C
from ...errors import WorkbenchError

FORMATS = ("yaml", "json")
TEMPLATE_VERSION = "2010-09-09"
TABLE_ID = "Table"


def table_properties(table: Any, table_name: str | None = None) -> dict[str, Any]:
    """The ``AWS::DynamoDB::Table`` properties of a :class:`~workbench.model.TableSpec`.

    They are the table's ``CreateTable`` request, less what CloudFormation spells otherwise
    (a stream is just its view type).
    """
    request = table.create_table_request(table_name)
    properties = {k: v for k, v in request.items() if k != C.STREAM_SPECIFICATION}
    if table.stream_view_type:
        properties[C.STREAM_SPECIFICATION] = {C.STREAM_VIEW_TYPE: table.stream_view_type}
    return properties


def table_template(model: Any, table_name: str | None = None) -> dict[str, Any]:
    """A template with the model's table (resource ``Table``), its name, ARN and stream.

    :param model: a :class:`~workbench.model.Model` (or anything with a ``table``).
    :param table_name: the table's name (default: the model's).
    """
    table = model.table
    outputs: dict[str, Any] = {
        "TableName": {"Value": {"Ref": TABLE_ID}},
        "TableArn": {"Value": {"Fn::GetAtt": [TABLE_ID, "Arn"]}},
    }
    if table.stream_view_type:
        outputs["StreamArn"] = {"Value": {"Fn::GetAtt": [TABLE_ID, "StreamArn"]}}
    description = getattr(model, "description", "") or f"The {table.name} table"
    return {
        "AWSTemplateFormatVersion": TEMPLATE_VERSION,
        "Description": " ".join(description.split())[:1024],
        "Resources": {
            TABLE_ID: {
                "Type": "AWS::DynamoDB::Table",
                "Properties": table_properties(table, table_name),
            }
        },
        "Outputs": outputs,
    }


def _logical_id(name: str, taken: Iterable[str]) -> str:
    """``Table`` and the table name's letters and digits (``TableOnlineShop``), unique among
    ``taken``: logical IDs and output names are alphanumeric, at most 255 characters.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html
    """
    parts = re.split(r"[^A-Za-z0-9]+", name)
    base = (TABLE_ID + "".join(p[:1].upper() + p[1:] for p in parts))[:200]
    found, n = base, 2
    while found in set(taken):
        found, n = f"{base}{n}", n + 1
    return found


def tables_template(models: Iterable[Any]) -> tuple[dict[str, Any], list[str]]:
    """One template declaring the table of each of ``models`` (resource ``Table<Name>`` each,
    with its name, ARN and stream as outputs): a NoSQL Workbench file of several tables, or
    several model files, as one stack.

    :returns: ``(template, notes)``; a note says when Cruddur's production plan is left out
        (it is written for Cruddur's model alone, :func:`template_for`).
    """
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    notes: list[str] = []
    names = []
    for model in models:
        table = model.table
        names.append(table.name)
        if is_cruddur(model):
            notes.append(
                "Cruddur's production plan (its stream Lambda, role, trigger and endpoint): "
                "written when Cruddur is exported alone; here its table only"
            )
        logical = _logical_id(table.name, resources)
        resources[logical] = {
            "Type": "AWS::DynamoDB::Table",
            "Properties": table_properties(table),
        }
        outputs[f"{logical}Name"] = {"Value": {"Ref": logical}}
        outputs[f"{logical}Arn"] = {"Value": {"Fn::GetAtt": [logical, "Arn"]}}
        if table.stream_view_type:
            outputs[f"{logical}StreamArn"] = {"Value": {"Fn::GetAtt": [logical, "StreamArn"]}}
    template = {
        "AWSTemplateFormatVersion": TEMPLATE_VERSION,
        "Description": f"The tables {', '.join(names)}"[:1024],
        "Resources": resources,
        "Outputs": outputs,
    }
    return template, notes


def _parameters(plan: Any) -> dict[str, Any]:
    create = plan.step("CreateVpcEndpoint").request
    function = plan.step("CreateFunction").request
    return {
        "VpcId": {
            "Type": "String",
            "Default": create["VpcId"],
            "Description": "The VPC the Lambda runs in",
        },
        "RouteTableIds": {
            "Type": "CommaDelimitedList",
            "Default": ",".join(create["RouteTableIds"]),
            "Description": "Route tables that get the DynamoDB gateway endpoint",
        },
        "SubnetIds": {
            "Type": "CommaDelimitedList",
            "Default": ",".join(function["VpcConfig"]["SubnetIds"]),
        },
        "SecurityGroupIds": {
            "Type": "CommaDelimitedList",
            "Default": ",".join(function["VpcConfig"]["SecurityGroupIds"]),
        },
        "CodeBucket": {"Type": "String", "Description": "The S3 bucket holding the Lambda zip"},
        "CodeKey": {
            "Type": "String",
            "Default": "cruddur-messaging-stream.zip",
            "Description": "The zip from `workbench lambda package`, uploaded there",
        },
    }


def _policy_resources(policy: dict[str, Any], plan: Any) -> dict[str, Any]:
    """The plan's policy with its literal table ARN replaced by the stack's table."""
    arn = f"arn:aws:dynamodb:{plan.region}:{plan.account_id}:table/{plan.table_name}"
    text = json.dumps(policy)
    statements = json.loads(text)["Statement"]
    for statement in statements:
        statement["Resource"] = [
            {"Fn::GetAtt": [TABLE_ID, "Arn"]}
            if r == arn
            else {"Fn::Sub": "${Table.Arn}" + r[len(arn) :]}
            if r.startswith(arn)
            else r
            for r in statement["Resource"]
        ]
    return {"Version": policy["Version"], "Statement": statements}


def cruddur_template(plan: Any | None = None) -> dict[str, Any]:
    """Cruddur's production plan (:func:`workbench.cruddur.plan.production_plan`) as one template.

    :param plan: the plan (default: ``production_plan()``); its ids become parameter defaults.
    """
    from ...cruddur.plan import FUNCTION_NAME, production_plan
    from ...model import CRUDDUR

    plan = plan or production_plan()
    role = plan.step("CreateRole").request
    inline = plan.step("PutRolePolicy").request
    managed = [s.request["PolicyArn"] for s in plan.steps if s.operation == "AttachRolePolicy"]
    function = plan.step("CreateFunction").request
    mapping = plan.step("CreateEventSourceMapping").request
    resources: dict[str, Any] = {
        TABLE_ID: {
            "Type": "AWS::DynamoDB::Table",
            "Properties": table_properties(CRUDDUR.table, plan.table_name),
        },
        "DynamoDbGatewayEndpoint": {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {
                "VpcEndpointType": "Gateway",
                "VpcId": {"Ref": "VpcId"},
                "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.dynamodb"},
                "RouteTableIds": {"Ref": "RouteTableIds"},
            },
        },
        "FailedRecords": {
            "Type": "AWS::SQS::Queue",
            "Properties": {"MessageRetentionPeriod": 1209600},
        },
        "StreamRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": role["RoleName"],
                "AssumeRolePolicyDocument": json.loads(role["AssumeRolePolicyDocument"]),
                "ManagedPolicyArns": managed,
                "Policies": [
                    {
                        "PolicyName": inline["PolicyName"],
                        "PolicyDocument": _policy_resources(
                            json.loads(inline["PolicyDocument"]), plan
                        ),
                    },
                    # The on-failure destination is the one addition to the plan: the
                    # mapping sends the records it gives up on to the queue.
                    {
                        "PolicyName": "cruddur-message-stream-failures",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "sqs:SendMessage",
                                    "Resource": {"Fn::GetAtt": ["FailedRecords", "Arn"]},
                                }
                            ],
                        },
                    },
                ],
            },
        },
        "StreamFunction": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "FunctionName": FUNCTION_NAME,
                "Runtime": function["Runtime"],
                "Handler": function["Handler"],
                "Role": {"Fn::GetAtt": ["StreamRole", "Arn"]},
                "Code": {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Ref": "CodeKey"}},
                "Timeout": function["Timeout"],
                "MemorySize": function["MemorySize"],
                "Environment": {"Variables": {"DDB_MESSAGE_TABLE": {"Ref": TABLE_ID}}},
                "VpcConfig": {
                    "SubnetIds": {"Ref": "SubnetIds"},
                    "SecurityGroupIds": {"Ref": "SecurityGroupIds"},
                },
            },
        },
        "StreamTrigger": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "FunctionName": {"Ref": "StreamFunction"},
                "EventSourceArn": {"Fn::GetAtt": [TABLE_ID, "StreamArn"]},
                "StartingPosition": mapping["StartingPosition"],
                "BatchSize": mapping["BatchSize"],
                "MaximumRetryAttempts": mapping["MaximumRetryAttempts"],
                "BisectBatchOnFunctionError": mapping["BisectBatchOnFunctionError"],
                "FunctionResponseTypes": mapping["FunctionResponseTypes"],
                "DestinationConfig": {
                    "OnFailure": {"Destination": {"Fn::GetAtt": ["FailedRecords", "Arn"]}}
                },
            },
        },
    }
    return {
        "AWSTemplateFormatVersion": TEMPLATE_VERSION,
        "Description": "Cruddur messages in production: the table with its stream, the stream "
        "Lambda, its role and trigger, and a DynamoDB gateway endpoint (workbench.cruddur.plan)",
        "Parameters": _parameters(plan),
        "Resources": resources,
        "Outputs": {
            "TableName": {"Value": {"Ref": TABLE_ID}},
            "StreamArn": {"Value": {"Fn::GetAtt": [TABLE_ID, "StreamArn"]}},
            "FunctionArn": {"Value": {"Fn::GetAtt": ["StreamFunction", "Arn"]}},
            "FailedRecordsQueue": {"Value": {"Ref": "FailedRecords"}},
        },
    }


def is_cruddur(model: Any) -> bool:
    """True for the Cruddur model (its template is the whole production plan)."""
    from ...model import CRUDDUR

    return model is CRUDDUR or model == CRUDDUR


def template_for(model: Any, table_name: str | None = None) -> dict[str, Any]:
    """The whole plan for Cruddur's model, the table alone for any other."""
    if is_cruddur(model):
        from ...cruddur.plan import production_plan

        kwargs = {"table_name": table_name} if table_name else {}
        return cruddur_template(production_plan(**kwargs))
    return table_template(model, table_name)


def dumps(template: dict[str, Any], fmt: str = "yaml") -> str:
    """The template as text.

    :param fmt: ``yaml`` or ``json``.
    :raises WorkbenchError: for another format, naming the allowed ones.
    """
    if fmt == "json":
        return json.dumps(template, indent=2) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(template, sort_keys=False, width=100)
    raise WorkbenchError(f"template format {fmt!r} is not one of {list(FORMATS)}")


def lint(template: dict[str, Any], region: str = "us-east-1") -> list[str]:
    """cfn-lint's findings on ``template`` (needs the dev dependency ``cfn-lint``).

    :returns: one line per finding (rule id, message, path); empty when clean.
    :raises WorkbenchError: when cfn-lint is not installed.
    """
    try:
        from cfnlint.api import ManualArgs
        from cfnlint.api import lint as cfn_lint
    except ImportError as exc:  # a dev dependency: say how to get it
        raise WorkbenchError("cfn-lint is not installed: pip install cfn-lint") from exc
    matches = cfn_lint(json.dumps(template), config=ManualArgs(regions=[region]))
    return [f"{m.rule.id} {m.message} ({'/'.join(map(str, m.path))})" for m in matches]
