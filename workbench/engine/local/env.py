"""The environment with which other clients reach the managed server (``workbench local env``).

The AWS CLI, boto3 and the other AWS SDKs read their credentials, region and endpoint from
environment variables, so setting them is enough to point a client that knows nothing of the
workbench at the background instance::

    eval "$(workbench local env)"
    aws dynamodb list-tables --query TableNames --output table

The endpoint goes in the service-specific ``AWS_ENDPOINT_URL_DYNAMODB`` (and its Streams
companion), never in the generic ``AWS_ENDPOINT_URL``: the SDKs apply that one to every
service, so Cognito, STS or S3 calls from the same shell would land on this server too (a
bootcamp learner's pitfall). See the AWS SDKs and Tools reference guide, "Service-specific
endpoints": https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html

Not re-exported by :mod:`workbench.engine.local`: this module reads the engines' region and
credentials (:mod:`workbench.engine.engines`), which import the package, so importing it there
would close a circle.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from ...errors import EngineError, LocalError, LocalNotRunning
from ..engines import DEFAULT_REGION, local_credentials
from .background import status

ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_DYNAMODB"
# botocore names the variable after the service id "DynamoDB Streams" (spaces become _).
STREAMS_ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_DYNAMODB_STREAMS"
SHELLS = ("sh", "fish", "powershell")
# How to load each shell's lines, shown in the comment at their top.
_HOW = {
    "sh": 'eval "$(workbench local env)"',
    "fish": "workbench local env --shell fish | source",
    "powershell": "workbench local env --shell powershell | Invoke-Expression",
}


def client_env(instance: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The environment variables that point the AWS CLI and the AWS SDKs at the managed server.

    The access key id is the workbench's own (``WORKBENCH_ACCESS_KEY_ID``, else
    ``workbench``): the server's guard takes any, but checks each request's signature with the
    instance's secret key, so the secret is what matters. The region is the one the workbench's
    own engine uses: moto keeps tables per region, and in another one the workbench's tables
    would not be there.

    :param instance: ``endpoint`` and ``secret`` of a running server (default: the background
        instance of ``workbench local start``).
    :returns: ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION`` (the AWS
        CLI, boto3), ``AWS_REGION`` (the JavaScript, Java and Go SDKs read this one, and a
        leftover value would send them to another region), ``AWS_ENDPOINT_URL_DYNAMODB`` and
        ``AWS_ENDPOINT_URL_DYNAMODB_STREAMS``.
    :raises LocalNotRunning: if no background instance runs (with ``workbench local start``
        as the way out).
    :raises LocalError: if one runs but does not answer.
    """
    if instance is None:
        instance = _running_instance()
    credentials = local_credentials(secret=instance["secret"])
    return {
        "AWS_ACCESS_KEY_ID": credentials["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": credentials["aws_secret_access_key"],
        "AWS_DEFAULT_REGION": DEFAULT_REGION,
        "AWS_REGION": DEFAULT_REGION,
        ENDPOINT_VARIABLE: instance["endpoint"],
        STREAMS_ENDPOINT_VARIABLE: instance["endpoint"],
    }


def _running_instance() -> dict[str, Any]:
    state = status()
    if state is not None and state["running"]:
        return state
    if state is not None and not state.get("stale"):
        raise LocalError(
            f"the local server (pid {state.get('pid')}) runs but does not answer on "
            f"{state.get('endpoint')}: run `workbench local stop`, then `workbench local start`"
        )
    raise LocalNotRunning(
        "the workbench's local server is not running: start it with `workbench local start`, "
        "then run `workbench local env` again"
    )


def shell_lines(env: Mapping[str, str], shell: str = "sh") -> list[str]:
    """Lines that set ``env`` in ``shell``, each value quoted for it, after a ``#`` comment.

    :param shell: ``sh`` (bash, zsh, dash: ``export NAME='value'``), ``fish`` or ``powershell``.
    :raises EngineError: for another shell, naming the ones allowed.
    """
    if shell not in SHELLS:
        raise EngineError(f"unknown shell {shell!r}; choose one of {list(SHELLS)}")
    endpoint = env.get(ENDPOINT_VARIABLE, "")
    lines = [
        f"# The workbench's local server at {endpoint}. The secret key is for this server "
        "instance only: after `workbench local start` run this again.",
        f"# Load it with: {_HOW[shell]}",
    ]
    for name, value in env.items():
        if shell == "sh":
            lines.append(f"export {name}={shlex.quote(value)}")
        elif shell == "fish":
            lines.append(f"set -gx {name} {_fish_quote(value)}")
        else:
            lines.append(f"$Env:{name} = {_powershell_quote(value)}")
    return lines


def _fish_quote(value: str) -> str:
    # In fish's single quotes only \\ and \' are escapes (fish manual, "Quotes").
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _powershell_quote(value: str) -> str:
    # A PowerShell single-quoted string expands nothing; a quote inside is doubled
    # (about_Quoting_Rules).
    return "'" + value.replace("'", "''") + "'"
