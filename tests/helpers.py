"""Plain helpers the tests import (``from helpers import ...``).

They live here, not in conftest.py: ``from conftest import`` is ambiguous once pytest has
imported another conftest.py (notebooks/ has one for nbval) under the same module name.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

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


# -- conformance tests: a raw client of the managed server, its tables, its refusals ----------

VALIDATION = "ValidationException"
INVALID = "One or more parameter values were invalid: "
PATTERN = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
NEITHER_UNITS = (
    INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode "
    "is PAY_PER_REQUEST"
)
ALL = {"ProjectionType": "ALL"}
KEYS_ONLY = {"ProjectionType": "KEYS_ONLY"}


def raw_client(server: Any, *, access_key: str = "conformance") -> Any:
    """A raw boto3 client of the managed ``server``: no workbench code between it and the
    server, botocore's own parameter validation off (any client may send anything) and no
    retries (a refusal is answered once)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodb",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=server.secret,
        config=Config(retries={"max_attempts": 0}, parameter_validation=False),
    )


def key_schema(*names: str) -> list[dict[str, str]]:
    """A KeySchema: the first name the partition (HASH) key, the second, if any, the sort key."""
    kinds = ("HASH", "RANGE")[: len(names)]
    return [{"AttributeName": n, "KeyType": k} for n, k in zip(names, kinds, strict=True)]


def definitions(types: dict[str, str]) -> list[dict[str, str]]:
    """AttributeDefinitions of ``types`` (attribute name: ``S``, ``N`` or ``B``)."""
    return [{"AttributeName": n, "AttributeType": t} for n, t in types.items()]


def index(
    name: str, hash_key: str, range_key: str | None = None, projection: dict[str, Any] = ALL
) -> dict[str, Any]:
    """A secondary index of CreateTable (its throughput, if any, is the caller's)."""
    keys = (hash_key, range_key) if range_key else (hash_key,)
    return {"IndexName": name, "KeySchema": key_schema(*keys), "Projection": projection}


def hash_table(name: Any, **extra: Any) -> dict[str, Any]:
    """A CreateTable request: partition key ``pk`` (S), on demand, and ``extra`` members."""
    return {
        "TableName": name,
        "KeySchema": key_schema("pk"),
        "AttributeDefinitions": definitions({"pk": "S"}),
        "BillingMode": "PAY_PER_REQUEST",
        **extra,
    }


def create_table(
    client: Any,
    name: str,
    keys: list[tuple[str, str]],
    types: dict[str, str] | None = None,
    **extra: Any,
) -> str:
    """Create an on-demand table keyed on ``keys`` (name, type), with ``types`` for its
    indexes' keys and ``extra`` CreateTable members (indexes, ...); return its name."""
    client.create_table(
        TableName=name,
        KeySchema=key_schema(*(n for n, _ in keys)),
        AttributeDefinitions=definitions({**dict(keys), **(types or {})}),
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )
    return name


def violation(value: Any, field: str, rule: str) -> str:
    """One constraint violation, as DynamoDB words it in a validation error."""
    shown = "null" if value is None else f"'{value}'"
    return f"Value {shown} at '{field}' failed to satisfy constraint: {rule}"


def one_violation(value: Any, field: str, rule: str) -> str:
    """DynamoDB's message for a request with one constraint violation."""
    return "1 validation error detected: " + violation(value, field, rule)


def refused(send: Callable[[], Any], message: str, code: str = VALIDATION) -> dict[str, Any]:
    """``send()`` is refused with HTTP 400, DynamoDB's ``code`` and exactly ``message``.

    :returns: the error response, for what else a test asserts of it.
    """
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as info:
        send()
    error = info.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400, error
    assert (error["Error"]["Code"], error["Error"]["Message"]) == (code, message), error
    return error


def refused_on_every_put(client: Any, table: str, item: dict[str, Any], message: str) -> None:
    """PutItem, BatchWriteItem and TransactWriteItems all refuse to write ``item`` so."""
    refused(lambda: client.put_item(TableName=table, Item=item), message)
    refused(
        lambda: client.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item}}]}),
        message,
    )
    refused(
        lambda: client.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": item}}]
        ),
        message,
    )


def refusal(call: Callable[..., Any], **params: Any) -> tuple[str, str, int]:
    """The error code, message and HTTP status of ``call(**params)``, which must be refused."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as info:
        call(**params)
    error = info.value.response
    return (
        error["Error"]["Code"],
        error["Error"]["Message"],
        error["ResponseMetadata"]["HTTPStatusCode"],
    )


def cancellation_reasons(send: Callable[[], Any]) -> list[dict[str, Any]]:
    """``send()`` is a cancelled transaction (HTTP 400); its cancellation reasons."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as info:
        send()
    error = info.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400, error
    assert error["Error"]["Code"] == "TransactionCanceledException", error
    return error["CancellationReasons"]


def bytes_of(item: dict[str, Any]) -> int:
    """Size of an item of string attributes: names plus UTF-8 values (DynamoDB's rule)."""
    return sum(len(n.encode()) + len(v["S"].encode()) for n, v in item.items())


def padded(base: dict[str, Any], total: int, pad: str = "p", spent: int = 0) -> dict[str, Any]:
    """``base`` (string attributes) plus ``pad``, measuring exactly ``total`` bytes, with
    ``spent`` bytes more in ``base`` that :func:`bytes_of` cannot see (a number's)."""
    return {**base, pad: {"S": "x" * (total - bytes_of(base) - spent - len(pad))}}


def answered(send: Callable[..., Any], **params: Any) -> dict[str, Any]:
    """``send(**params)``'s answer, which must be a success; without the response metadata."""
    answer = send(**params)
    assert answer.pop("ResponseMetadata")["HTTPStatusCode"] == 200
    return answer


def raw_refused(
    raw: Callable[[str, Any], tuple[int, Any]], operation: str, body: Any, code: str, message: str
) -> None:
    """The server answers the raw ``body`` with HTTP 400, DynamoDB's ``code`` and exactly
    ``message`` (``raw`` is the fixture of that name)."""
    status, answer = raw(operation, body)
    assert status == 400, (status, answer)
    assert answer["__type"] == f"com.amazonaws.dynamodb.v20120810#{code}", answer
    assert answer["message"] == message


# -- DynamoDB's item size by hand (docs/capacity.md, "Item size"), written apart from the
# workbench's own rules so tests can check them against it.


def ref_number(text: str) -> int:
    """Base-100 pairs aligned on the decimal point, the outer 00 pairs dropped, + 1 byte,
    + 1 more if negative: 1.5 is "01 50", 3 bytes."""
    value = Decimal(text)
    if value == 0:
        return 1
    whole, _, fraction = f"{abs(value):f}".partition(".")
    whole, fraction = whole.lstrip("0"), fraction.rstrip("0")
    digits = "0" * (len(whole) % 2) + whole + fraction + "0" * (len(fraction) % 2)
    pairs = [digits[i : i + 2] for i in range(0, len(digits), 2)]
    while pairs and pairs[0] == "00":
        pairs.pop(0)
    while pairs and pairs[-1] == "00":
        pairs.pop()
    return len(pairs) + 1 + (value < 0)


def ref_value(value: dict) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return ref_number(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in inner)
    if kind == "NS":
        return sum(ref_number(n) for n in inner)
    if kind == "L":
        return 3 + sum(1 + ref_value(v) for v in inner)
    return 3 + sum(1 + len(k.encode()) + ref_value(v) for k, v in inner.items())  # M


def ref_size(item: dict | None) -> int:
    return sum(len(k.encode()) + ref_value(v) for k, v in (item or {}).items())


def ru(size: int) -> int:
    return max(1, -(-size // 4096))


def wu(size: int) -> int:
    return max(1, -(-size // 1024))


# -- NoSQL Workbench files (tests/test_interop_*.py) --------------------------------------


def nosql_items(table: dict) -> Counter:
    """Every item a NoSQL Workbench table holds (its own TableData and its facets'), as a
    multiset: an item written twice counts twice."""
    held = list(table.get("TableData") or [])
    held += [i for f in table.get("TableFacets") or [] for i in f.get("TableData") or []]
    return Counter(json.dumps(i, sort_keys=True) for i in held)


def nosql_declared(table: dict) -> set[tuple[str, str]]:
    """The (name, type) pairs a NoSQL Workbench table declares as non-key attributes."""
    return {(a["AttributeName"], a["AttributeType"]) for a in table["NonKeyAttributes"]}


def cli_load_and_run(path: Any, endpoint: str) -> tuple[Any, list[tuple[Any, dict[str, Any]]]]:
    """As a user would: `workbench model load PATH`, then `model run PATH --json` (every
    pattern with its example) against ``endpoint``; each command must succeed.

    :returns: the model and each pattern beside its result, in the model's order.
    """
    from click.testing import CliRunner

    from workbench.cli import cli
    from workbench.design.modelfile import load_model

    runner = CliRunner()
    flags = ["--endpoint", endpoint]
    loaded = runner.invoke(cli, ["model", "load", str(path), *flags])
    assert loaded.exit_code == 0, loaded.output
    ran = runner.invoke(cli, ["model", "run", str(path), *flags, "--json"])
    assert ran.exit_code == 0, ran.output
    model = load_model(path)
    results = json.loads(ran.output)
    assert [r["pattern"] for r in results] == [p.name for p in model.patterns]
    return model, list(zip(model.patterns, results, strict=True))
