"""DynamoDB's rules in the managed server, for every client: the AWS CLI, any SDK, NoSQL
Workbench's app, and the workbench itself.

WSGI middleware between the guard and moto. For each DynamoDB request it runs the same checks
``dynamo.send`` runs (:func:`workbench.model.limits.check_request`, one implementation) and
answers a refusal as DynamoDB does: HTTP 400 with ``{"__type": ..., "message": ...}``. Tables'
key schemas come from moto's own objects in this process (:mod:`.backend`, no extra
request), and so do the checks that need a table as it is (an UpdateTable asking the
throughput the table already has). What moto accepts but stores or answers otherwise than
DynamoDB is put right on the way in and out by :mod:`.fixes` (tables, and what moto does not
serve at all: :mod:`.tables`); ListTables is answered from moto's tables in DynamoDB's order.
An answer changed here carries its new length and CRC32.

An unexpected failure of moto (a Python exception, or an HTML error page) never reaches a
client as such: it is answered as DynamoDB answers its own failures, HTTP 500 with an
``InternalServerError`` JSON body, and logged to the server's log.
"""

from __future__ import annotations

import io
import json
import sys
import traceback
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from ...errors import RequestRejected
from ...model.limits import TokenBook, check_request, tables_needing_keys
from ...model.requests import Request
from . import backend, capacity, fixes, tables

DYNAMODB_PREFIX = "DynamoDB_20120810."
ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
INTERNAL = "InternalServerError"
JSON_TYPE = "application/x-amz-json-1.0"
VALIDATION = "ValidationException"
# UpdateTable asking the throughput the table has: DynamoDB refuses the no-op (its message as
# recorded by ack-api-quirks' DynamoDB catalogue, 2026; https://docs.aws.amazon.com/
# amazondynamodb/latest/APIReference/API_UpdateTable.html).
UNCHANGED_THROUGHPUT = (
    "The provisioned throughput for the table will not change. The requested value equals the "
    "current value. Current ReadCapacityUnits provisioned for the table: {read}. Requested "
    "ReadCapacityUnits: {read}. Current WriteCapacityUnits provisioned for the table: {write}. "
    "Requested WriteCapacityUnits: {write}. Refer to the Amazon DynamoDB Developer Guide for "
    "current limits and how to request higher limits."
)


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
        measure = capacity.before(environ, operation, params)  # None unless asked
        answered = tables.answer(environ, operation, params) or self._call(environ, operation)
        if answered is None:
            return _answer(
                start_response,
                "500 Internal Server Error",
                error_body(INTERNAL, "Internal server error"),
            )
        status, headers, body = answered
        reshaped = fixes.reshape(operation, params, status, body)
        reshaped = tables.reshape(environ, operation, params, status, reshaped or body) or reshaped
        counted = capacity.reshape(
            self.app, environ, operation, params, measure, status, reshaped or body
        )
        reshaped = counted or reshaped
        if operation == "ListTables" and status.startswith("2"):
            # moto lists tables in the order they were made; DynamoDB in ascending order.
            try:
                reshaped = json.dumps(backend.table_names_page(environ, params)).encode()
            except Exception:  # moto's own page is better than a failure
                _log(operation, "the tables could not be listed in order")
        if reshaped is not None:
            body = reshaped
            headers = _resized(headers, body)
        start_response(status, headers)
        return [body]

    def refusal(
        self, environ: dict[str, Any], operation: str, params: dict[str, Any]
    ) -> bytes | None:
        """DynamoDB's error body for a request it would refuse, or None to let it through."""
        request = Request(operation, params)
        try:
            schemas = backend.key_schemas(environ, tables_needing_keys(request))
            check_request(request, schemas, self.tokens)
            return _state_refusal(environ, request)
        except RequestRejected as exc:
            return error_body(exc.error_code, exc.error_message)
        except Exception:  # a check's own bug must not refuse a request DynamoDB takes
            _log(operation, "a check failed; the request went to moto unchecked")
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


def _state_refusal(environ: dict[str, Any], request: Request) -> bytes | None:
    """DynamoDB's error for a request it refuses for what the table is now, or None."""
    if request.operation != "UpdateTable":
        return None
    params = request.params
    wanted = params.get("ProvisionedThroughput")
    if not isinstance(wanted, dict) or params.get("BillingMode") not in (None, "PROVISIONED"):
        return None
    current = backend.throughput(environ, params.get("TableName"))
    asked = (wanted.get("ReadCapacityUnits"), wanted.get("WriteCapacityUnits"))
    if current is None or asked != current:
        return None
    message = UNCHANGED_THROUGHPUT.format(read=current[0], write=current[1])
    return error_body(VALIDATION, message)


def _resized(headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    """moto's headers for a body the rules replaced: its length, and its CRC32, which every
    DynamoDB answer carries and botocore checks (a stale one fails the request)."""
    kept = [(k, v) for k, v in headers if k.lower() not in ("content-length", "x-amz-crc32")]
    return kept + [
        ("Content-Length", str(len(body))),
        ("x-amz-crc32", str(zlib.crc32(body) & 0xFFFFFFFF)),
    ]


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
