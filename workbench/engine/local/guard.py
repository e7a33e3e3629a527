"""The WSGI guard in front of the managed moto server: only the workbench's own clients pass.

Any web page the user visits can send requests to loopback, so the guard refuses, with a 403
and a DynamoDB-style JSON body, before moto sees anything:

- a ``Host`` that is not ``127.0.0.1:PORT`` or ``localhost:PORT`` (DNS rebinding);
- any request carrying an ``Origin`` header (browsers send one on every cross-origin request,
  so a CORS preflight gets no ``Access-Control-Allow-Origin``);
- a request not SigV4-signed with this instance's secret key (any access key id, region and
  service: they are read from the credential scope, and the signature is really checked);
- moto's own ``/moto-api/`` paths (a plain ``POST /moto-api/reset`` wipes every table),
  unless the request carries ``X-Workbench-Secret`` with the secret; the same header lets the
  workbench fetch a user pool's JWKS without signing.

It also answers, as DynamoDB does, before moto sees anything: a body over DynamoDB's 16 MB
request limit (413, read no further than the limit), a signature dated more than 15 minutes
from the server's clock (400 ``InvalidSignatureException``), and a DynamoDB or DynamoDB
Streams request whose body is not a JSON object (400 ``SerializationException``).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import quote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

SECRET_HEADER = "X-Workbench-Secret"
_SECRET_ENVIRON = "HTTP_X_WORKBENCH_SECRET"
DENIED_TYPE = "com.amazonaws.dynamodb.v20120810#AccessDeniedException"
_CORAL = "com.amazon.coral.service#"
# "A single call to BatchWriteItem can transmit up to 16MB of data over the network", the
# largest request DynamoDB takes (https://docs.aws.amazon.com/amazondynamodb/latest/
# APIReference/API_BatchWriteItem.html); DynamoDB's units are binary (1 MB = 1024 KB,
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html).
MAX_BODY = 16 * 1024 * 1024
# A signature is valid for 15 minutes either side of its X-Amz-Date; AWS refuses it after
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html): DynamoDB answers
# 400 InvalidSignatureException "Signature expired: ... is now earlier than ...".
MAX_SKEW = timedelta(minutes=15)
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
# The JSON protocol's targets: their body must be one JSON object.
_JSON_TARGETS = ("DynamoDB_20120810.", "DynamoDBStreams_20120810.")
_AUTH = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})\s*$"
)
_JWKS = re.compile(r"^/[\w-]+/\.well-known/jwks\.json$")
# DynamoDB operations that change no table: anything else marks the state as changed.
_READS = frozenset(
    {
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "TransactGetItems",
        "DescribeTable",
        "ListTables",
        "DescribeTimeToLive",
        "DescribeContinuousBackups",
        "ListTagsOfResource",
        "DescribeEndpoints",
        "DescribeLimits",
        "ListBackups",
        "ListGlobalTables",
        "DescribeKinesisStreamingDestination",
        "ListExports",
        "ListImports",
        "DescribeExport",
        "DescribeImport",
        "DescribeBackup",
        "DescribeGlobalTable",
        "DescribeResourcePolicy",
        "GetResourcePolicy",
    }
)


class Refusal(NamedTuple):
    """What the guard answers instead of moto: an HTTP status, an error type, a message."""

    status: str
    type: str
    message: str
    message_key: str = "message"


def _denied(reason: str) -> Refusal:
    return Refusal("403 Forbidden", DENIED_TYPE, f"refused by the workbench: {reason}")


def _too_large(size: int | None) -> Refusal:
    # AWS documents the 16 MB limit, not the answer to a bigger request: DynamoDB answers it
    # with HTTP 413, whether it comes with a Content-Length or chunked (ScyllaDB's Alternator
    # tests check this against DynamoDB: test/alternator/test_manual_requests.py,
    # test_too_large_request_content_length and _chunked). The error type is ours.
    what = f"{size} bytes" if size is not None else f"more than {MAX_BODY} bytes"
    return Refusal(
        "413 Request Entity Too Large",
        _CORAL + "RequestEntityTooLargeException",
        f"the request body ({what}) is over DynamoDB's limit of {MAX_BODY} bytes (16 MB): "
        "send less per request (BatchWriteItem: at most 25 items, 16 MB)",
    )


class _TooLarge(Exception):
    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


class _Signer(SigV4Auth):
    """botocore's SigV4 signer, fed exactly the headers a client says it signed."""

    def __init__(
        self, credentials: Credentials, service: str, region: str, signed: HTTPHeaders
    ) -> None:
        super().__init__(credentials, service, region)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        # Other headers (added by proxies or the HTTP client after signing) are not signed.
        return self._signed


def _environ_header(environ: dict[str, Any], name: str) -> str | None:
    if name == "content-type":
        return environ.get("CONTENT_TYPE")
    if name == "content-length":
        return environ.get("CONTENT_LENGTH")
    return environ.get("HTTP_" + name.upper().replace("-", "_"))


def _read_at_most(stream: Any, size: int) -> bytes:
    """Up to ``size`` bytes of ``stream``: fewer only at its end (a dechunking stream may
    return one chunk per read)."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        part = stream.read(min(left, 1 << 20))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _read_body(environ: dict[str, Any]) -> bytes:
    """The request body, read once and put back so moto can read it again.

    No more than :data:`MAX_BODY` bytes are ever read, whatever ``Content-Length`` says or
    without one (chunked): a bigger body is refused, not buffered.

    :raises _TooLarge: if the body is over :data:`MAX_BODY` bytes.
    :raises ValueError: if ``Content-Length`` is not a number of bytes.
    """
    if "workbench.body" in environ:
        return environ["workbench.body"]
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    if length:
        size = int(length)
        if size < 0:
            raise ValueError(length)
        if size > MAX_BODY:
            raise _TooLarge(size)  # before reading a byte of it
        body = _read_at_most(stream, size)
    elif environ.get("wsgi.input_terminated"):
        body = _read_at_most(stream, MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise _TooLarge(None)
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["workbench.body"] = body
    return body


def _body(environ: dict[str, Any]) -> bytes | Refusal:
    """The request body (see :func:`_read_body`), or the answer to a body too big to read."""
    try:
        return _read_body(environ)
    except _TooLarge as exc:
        return _too_large(exc.size)
    except ValueError:
        return Refusal(
            "400 Bad Request",
            _CORAL + "SerializationException",
            f"Content-Length {environ.get('CONTENT_LENGTH')!r} is not a number of bytes",
            message_key="Message",
        )


def _date_refusal(amz_date: str, now: datetime) -> Refusal | None:
    """DynamoDB's answer to an ``X-Amz-Date`` that is malformed or over 15 minutes off."""
    try:
        signed = datetime.strptime(amz_date, _AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        return Refusal(
            "400 Bad Request",
            _CORAL + "IncompleteSignatureException",
            f"Date must be in ISO-8601 'basic format'. Got {amz_date!r}. "
            "See http://en.wikipedia.org/wiki/ISO_8601",
        )
    stamp = now.strftime(_AMZ_DATE)
    if signed < now - MAX_SKEW:
        earliest = (now - MAX_SKEW).strftime(_AMZ_DATE)
        return Refusal(
            "400 Bad Request",
            _CORAL + "InvalidSignatureException",
            f"Signature expired: {amz_date} is now earlier than {earliest} ({stamp} - 15 min.)",
        )
    if signed > now + MAX_SKEW:
        latest = (now + MAX_SKEW).strftime(_AMZ_DATE)
        return Refusal(
            "400 Bad Request",
            _CORAL + "InvalidSignatureException",
            f"Signature not yet current: {amz_date} is still later than {latest} "
            f"({stamp} + 15 min.)",
        )
    return None


def _serialization_refusal(body: bytes) -> Refusal | None:
    """DynamoDB's 400 ``SerializationException`` for a body that is not one JSON object."""
    try:
        document = json.loads(body)
    except RecursionError:
        reason = "it is nested too deeply to read"
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        reason = "it is empty" if not body.strip() else f"it is not valid JSON ({exc})"
    else:
        if isinstance(document, dict):
            return None
        kind = {list: "an array", str: "a string", bool: "a boolean"}.get(
            type(document), "null" if document is None else "a number"
        )
        reason = f"it is {kind}, not a JSON object"
    return Refusal(
        "400 Bad Request",
        _CORAL + "SerializationException",
        f"the request body cannot be read: {reason}",
        message_key="Message",
    )


class Guard:
    """WSGI middleware: ``Guard(app, secret, port)`` lets only signed loopback requests through.

    :param app: the WSGI app behind the guard (moto's).
    :param secret: the instance's secret access key.
    :param port: the port the server listens on, for the ``Host`` check.
    :param on_change: called for every DynamoDB request that may change a table (to schedule
        a snapshot); None for no call.
    :param on_write: called, under :attr:`lock` and before the answer leaves, with the environ
        and body of every request that succeeded (2xx) and may have changed a table: DynamoDB
        requests other than reads, and moto's own ``/moto-api/`` requests other than GET (a
        reset). It journals them; if it raises, the client gets a 500 instead of the success
        it could not be promised. None for no call.
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        secret: str,
        port: int,
        on_change: Callable[[], None] | None = None,
        on_write: Callable[[dict[str, Any], bytes], None] | None = None,
    ) -> None:
        self.app = app
        self.secret = secret
        self.hosts = frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})
        self.on_change = on_change
        self.on_write = on_write
        self._secret_bytes = secret.encode()
        self.lock = threading.Lock()  # one DynamoDB request (or snapshot) at a time

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        refusal = self.refusal(environ)
        if refusal is not None:
            return _answer(start_response, refusal)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        path = environ.get("PATH_INFO", "")
        moto_api_write = path.startswith("/moto-api/") and environ.get("REQUEST_METHOD") != "GET"
        writes = (
            target.startswith("DynamoDB_") and target.rsplit(".", 1)[-1] not in _READS
        ) or moto_api_write
        changes = self.on_change is not None and (writes or path.startswith("/moto-api/"))
        if target.startswith("DynamoDB_") or (moto_api_write and self.on_write is not None):
            # moto checks a condition and then writes without a lock: two threads could both
            # pass a condition DynamoDB lets only one pass. One DynamoDB request at a time
            # makes conditional writes and transactions atomic, as on DynamoDB (and lets a
            # snapshot taken under the same lock see whole requests only, and the journal
            # hold them in the order they were applied).
            with self.lock:
                if writes and self.on_write is not None:
                    return self._journaled(environ, start_response, changes)
                result = self.app(environ, start_response)
                if changes:  # counted once applied: a save that races it sees the write
                    self._changed()
                return result
        result = self.app(environ, start_response)
        if changes:
            self._changed()
        return result

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def _journaled(
        self, environ: dict[str, Any], start_response: Callable[..., Any], changes: bool
    ) -> Any:
        """Run a request that may change a table and hand it to ``on_write`` if it succeeded,
        before its answer leaves (the caller holds the lock)."""
        assert self.on_write is not None
        body = _body(environ)  # already read, unless it is moto's own API
        if isinstance(body, Refusal):
            return _answer(start_response, body)
        statuses: list[str] = []

        def recording(status: str, headers: Any, exc_info: Any = None) -> Any:
            statuses.append(status)
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording)
        if statuses and statuses[-1].startswith("2"):
            try:
                # The body as applied: the rules may have rewritten it (numbers made canonical).
                self.on_write(environ, environ.get("workbench.body", body))
            except Exception as exc:
                # Applied in memory but not journaled: not promised to the client (a 500 is
                # "outcome unknown", as on DynamoDB); the next snapshot will hold it.
                print(f"could not journal a write: {exc}", file=sys.stderr, flush=True)
                if hasattr(result, "close"):
                    result.close()
                return _answer(
                    start_response,
                    Refusal(
                        "500 Internal Server Error",
                        _CORAL + "InternalFailure",
                        f"the write was applied but could not be journaled ({exc}); "
                        "check the --db-path folder (disk full?)",
                    ),
                    exc_info=sys.exc_info(),
                )
        if changes:
            self._changed()
        return result

    def refusal(self, environ: dict[str, Any]) -> Refusal | None:
        """Why this request is refused (the answer to give instead), or None to let it through.

        :param environ: the WSGI environ; its body may be read and replaced by a copy.
        """
        if environ.get("HTTP_HOST") not in self.hosts:
            return _denied(
                f"host {environ.get('HTTP_HOST')!r} is not this server's "
                f"(allowed: {', '.join(sorted(self.hosts))})"
            )
        if "HTTP_ORIGIN" in environ:
            return _denied("requests from web pages (with an Origin header) are refused")
        path = environ.get("PATH_INFO", "")
        has_secret = self._has_secret(environ)
        if path.startswith("/moto-api"):
            return None if has_secret else _denied("moto's own API is for the workbench only")
        if has_secret and environ.get("REQUEST_METHOD") == "GET" and _JWKS.match(path):
            return None
        refusal = self._signature_refusal(environ)
        if refusal is not None:
            return refusal
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith(_JSON_TARGETS):
            return _serialization_refusal(environ["workbench.body"])  # read by the check above
        return None

    def _has_secret(self, environ: dict[str, Any]) -> bool:
        given = environ.get(_SECRET_ENVIRON)
        return given is not None and hmac.compare_digest(given.encode(), self._secret_bytes)

    def _signature_refusal(self, environ: dict[str, Any]) -> Refusal | None:
        match = _AUTH.match(environ.get("HTTP_AUTHORIZATION", ""))
        amz_date = environ.get("HTTP_X_AMZ_DATE", "")
        if match is None or not amz_date:
            return _denied("the request is not signed (AWS SigV4) with the workbench's credentials")
        # Before anything is read or computed: a signature replayed later is worth nothing.
        stale = _date_refusal(amz_date, datetime.now(UTC))
        if stale is not None:
            return stale
        scope = match["credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request" or scope[1] != amz_date[:8]:
            return _denied("the request's credential scope is malformed")
        access_key, _, region, service, _ = scope
        signed = HTTPHeaders()
        for name in match["signed"].split(";"):
            value = _environ_header(environ, name)
            if value is None:
                return _denied(f"signed header {name!r} is missing")
            signed[name] = value
        body = _body(environ)
        if isinstance(body, Refusal):
            return body
        claimed = environ.get("HTTP_X_AMZ_CONTENT_SHA256")
        if claimed is not None and not hmac.compare_digest(
            claimed, hashlib.sha256(body).hexdigest()
        ):
            return _denied("the request's payload hash does not match its body")
        # The path as sent (still percent-encoded), as the client signed it.
        path = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        if path is None:
            path = quote(environ.get("PATH_INFO", ""))
            if environ.get("QUERY_STRING"):
                path += "?" + environ["QUERY_STRING"]
        request = AWSRequest(
            method=environ.get("REQUEST_METHOD", "GET"),
            url=f"http://{environ['HTTP_HOST']}{path}",
            data=body,
        )
        request.context["timestamp"] = amz_date
        signer = _Signer(Credentials(access_key, self.secret), service, region, signed)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if not hmac.compare_digest(expected, match["signature"]):
            return _denied("the request's signature does not match the workbench's secret key")
        return None


def _answer(
    start_response: Callable[..., Any], refusal: Refusal, exc_info: Any = None
) -> list[bytes]:
    body = json.dumps({"__type": refusal.type, refusal.message_key: refusal.message}).encode()
    start_response(
        refusal.status,
        [
            ("Content-Type", "application/x-amz-json-1.0"),
            ("Content-Length", str(len(body))),
        ],
        exc_info,
    )
    return [body]
