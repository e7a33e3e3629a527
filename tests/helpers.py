"""Plain helpers the tests import (``from helpers import ...``).

They live here, not in conftest.py: ``from conftest import`` is ambiguous once pytest has
imported another conftest.py (notebooks/ has one for nbval) under the same module name.
"""

from __future__ import annotations

import uuid
from typing import Any

# When the seeded fixtures' conversation ends.
SEED_NOW = "2026-11-22T07:45:00+00:00"


def unique_table_name(prefix: str = "test") -> str:
    """A table name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_seeded(engine: Any, users: Any, table_name: str) -> str:
    """Create the table with schema-load and seed it at a fixed time; return its name."""
    from workbench.cruddur.seeder import seed
    from workbench.engine.tables import schema_load

    schema_load(engine, table_name)
    seed(engine, table_name, directory=users, now=SEED_NOW, progress=False)
    return table_name


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """A model file whose description's aliases expand to ``width ** levels`` values: 374
    bytes at 9 levels, on which ``model check`` ran for minutes writing the schema's error
    message (issue 16)."""
    names = "abcdefghijklmnop"[:levels]
    lists = [f"&a [{', '.join(['x'] * width)}]"]
    for previous, name in zip(names, names[1:], strict=False):
        lists.append(f"&{name} [{', '.join([f'*{previous}'] * width)}]")
    return f"description: [{', '.join(lists)}]\n"


def dynamodb_raw(
    endpoint: str,
    secret: str,
    operation: str,
    body: Any,
    *,
    region: str = "us-east-1",
    access_key: str = "raw",
) -> tuple[int, Any]:
    """POST one DynamoDB request to ``endpoint``, SigV4-signed with ``secret``, exactly as
    given: what botocore would refuse to send (a missing ``TableName``, a ``Limit`` of 0) gets
    through, so the server itself answers it.

    :param body: the request's JSON (a dict), or bytes sent as they are.
    :returns: the HTTP status and the answer's JSON (its text when it is not JSON).
    """
    import json
    import urllib.error
    import urllib.request

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = AWSRequest(
        method="POST",
        url=endpoint.rstrip("/") + "/",
        data=data,
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"DynamoDB_20120810.{operation}",
        },
    )
    SigV4Auth(Credentials(access_key, secret), "dynamodb", region).add_auth(request)
    prepared = request.prepare()
    sent = urllib.request.Request(
        prepared.url, data=data, headers=dict(prepared.headers), method="POST"
    )
    try:
        with urllib.request.urlopen(sent, timeout=30) as answer:
            status, text = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text.decode(errors="replace")
