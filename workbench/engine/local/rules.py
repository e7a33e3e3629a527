"""DynamoDB's rules in the managed server, for every client: the AWS CLI, any SDK, NoSQL
Workbench's app, and the workbench itself.

WSGI middleware between the guard and moto. For each DynamoDB request it runs the same checks
``dynamo.send`` runs (:func:`workbench.model.limits.check_request`, one implementation) and
answers a refusal as DynamoDB does: HTTP 400 with ``{"__type": ..., "message": ...}``. Tables'
key schemas come from moto's own objects in this process (no extra request). What moto
accepts but stores or answers otherwise than DynamoDB is put right on the way in and out by
:mod:`.fixes`.

An unexpected failure of moto (a Python exception, or an HTML error page) never reaches a
client as such: it is answered as DynamoDB answers its own failures, HTTP 500 with an
``InternalServerError`` JSON body, and logged to the server's log.
"""

from __future__ import annotations

import io
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from ...errors import RequestRejected
from ...model.limits import KeySchema, TokenBook, check_request, tables_needing_keys
from ...model.requests import Request
from . import fixes

DYNAMODB_PREFIX = "DynamoDB_20120810."
ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
INTERNAL = "InternalServerError"
JSON_TYPE = "application/x-amz-json-1.0"
_DEFAULT_REGION = "us-east-1"


def error_body(code: str, message: str) -> bytes:
    """DynamoDB's JSON error body for ``code`` (e.g. ``ValidationException``)."""
    return json.dumps({"__type": ERROR_PREFIX + code, "message": message}).encode()


def _answer(
    start_response: Callable[..., Any], status: str, body: bytes, exc_info: Any = None
) -> list[bytes]:
    start_response(
        status,
        [("Content-Type", JSON_TYPE), ("Content-Length", str(len(body)))],
        exc_info,
    )
    return [body]


def _region(environ: dict[str, Any]) -> str:
    """The region of the request's SigV4 credential scope (the guard has checked its form)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    start = auth.find("Credential=")
    if start < 0:
        return _DEFAULT_REGION
    scope = auth[start + len("Credential=") :].split(",", 1)[0].split("/")
    return scope[2] if len(scope) == 5 else _DEFAULT_REGION


def _account(environ: dict[str, Any]) -> str:
    """The account moto files the request under, chosen as moto chooses it."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if environ.get("HTTP_X_MOTO_ACCOUNT_ID"):
        return environ["HTTP_X_MOTO_ACCOUNT_ID"]
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import get_account_id_from

    auth = environ.get("HTTP_AUTHORIZATION", "")
    start = auth.find("Credential=")
    access_key = auth[start + len("Credential=") :].split("/", 1)[0] if start >= 0 else ""
    return get_account_id_from(access_key) if access_key else DEFAULT_ACCOUNT_ID


def moto_key_schemas(environ: dict[str, Any], names: Iterable[str]) -> dict[str, KeySchema]:
    """The key schemas of the tables ``names`` that exist in moto's backend for the request's
    account and region (a missing table is moto's to report, as DynamoDB does)."""
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[_account(environ)][_region(environ)]
    found: dict[str, KeySchema] = {}
    for name in names:
        table = backend.tables.get(name)
        if table is None:
            continue
        found[name] = KeySchema.from_description(
            {
                "KeySchema": table.schema,
                "AttributeDefinitions": table.attr,
                "GlobalSecondaryIndexes": [
                    {"IndexName": i.name, "KeySchema": i.schema} for i in table.global_indexes
                ],
                "LocalSecondaryIndexes": [
                    {"IndexName": i.name, "KeySchema": i.schema} for i in table.indexes
                ],
            }
        )
    return found


class Rules:
    """WSGI middleware: ``Rules(app)`` answers what DynamoDB would refuse, and moto's crashes,
    as DynamoDB does; everything else goes to ``app`` (moto's).

    Called by the guard with the request body already read (``environ["workbench.body"]``)
    and, for DynamoDB requests, under the guard's lock.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.tokens = TokenBook()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(DYNAMODB_PREFIX):
            return self.app(environ, start_response)
        operation = target[len(DYNAMODB_PREFIX) :]
        params = _params(environ)
        if params is None:  # not a JSON object: the guard has answered it already
            return self.app(environ, start_response)
        refusal = self.refusal(environ, operation, params)
        if refusal is not None:
            return _answer(start_response, "400 Bad Request", refusal)
        rewritten = fixes.rewrite(operation, params)
        if rewritten is not None:
            params = rewritten
            body = json.dumps(params).encode()
            environ["workbench.body"] = body  # what the guard journals, too
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        answered = self._call(environ, operation)
        if answered is None:
            return _answer(
                start_response,
                "500 Internal Server Error",
                error_body(INTERNAL, "Internal server error"),
            )
        status, headers, body = answered
        reshaped = fixes.reshape(operation, params, status, body)
        if reshaped is not None:
            body = reshaped
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    def refusal(
        self, environ: dict[str, Any], operation: str, params: dict[str, Any]
    ) -> bytes | None:
        """DynamoDB's error body for a request it would refuse, or None to let it through."""
        request = Request(operation, params)
        try:
            schemas = moto_key_schemas(environ, tables_needing_keys(request))
            check_request(request, schemas, self.tokens)
        except RequestRejected as exc:
            return error_body(exc.error_code, exc.error_message)
        except Exception:  # a check's own bug must not refuse a request DynamoDB takes
            _log(operation, "a check failed; the request went to moto unchecked")
            return None
        return None

    def _call(
        self, environ: dict[str, Any], operation: str
    ) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """moto's answer as (status, headers, body), or None when moto crashed or answered
        a failure that is not DynamoDB's JSON (logged)."""
        captured: list[Any] = []

        def recording(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return lambda data: None

        try:
            result = self.app(environ, recording)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except Exception:
            _log(operation, "moto raised")
            return None
        status, headers = captured
        if status.startswith("5") and not _is_json(body):
            _log(operation, f"moto answered {status}: {body[:300]!r}", trace=False)
            return None
        if status.startswith("2") and operation == "TransactWriteItems":
            # Remember what the accepted request's client token promises, for 10 minutes.
            self.tokens.remember(Request(operation, json.loads(environ["workbench.body"])))
        return status, headers, body


def _params(environ: dict[str, Any]) -> dict[str, Any] | None:
    """The request's JSON object (the guard has read the body), or None if it is not one."""
    try:
        params = json.loads(environ.get("workbench.body") or b"{}")
    except ValueError:
        return None
    return params if isinstance(params, dict) else None


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def _log(operation: str, what: str, *, trace: bool = True) -> None:
    print(f"{operation}: {what}", file=sys.stderr, flush=True)
    if trace:
        traceback.print_exc(file=sys.stderr)
