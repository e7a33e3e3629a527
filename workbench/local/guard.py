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
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

SECRET_HEADER = "X-Workbench-Secret"
_SECRET_ENVIRON = "HTTP_X_WORKBENCH_SECRET"
DENIED_TYPE = "com.amazonaws.dynamodb.v20120810#AccessDeniedException"
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


def _read_body(environ: dict[str, Any]) -> bytes:
    """The request body, read once and put back so moto can read it again."""
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    if length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


class Guard:
    """WSGI middleware: ``Guard(app, secret, port)`` lets only signed loopback requests through.

    :param app: the WSGI app behind the guard (moto's).
    :param secret: the instance's secret access key.
    :param port: the port the server listens on, for the ``Host`` check.
    :param on_change: called for every DynamoDB request that may change a table (to schedule
        a snapshot); None for no call.
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        secret: str,
        port: int,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.app = app
        self.secret = secret
        self.hosts = frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})
        self.on_change = on_change
        self._secret_bytes = secret.encode()
        self.lock = threading.Lock()  # one DynamoDB request (or snapshot) at a time

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        reason = self.refusal(environ)
        if reason is not None:
            return _deny(start_response, reason)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        changes = self.on_change is not None and (
            (target.startswith("DynamoDB_") and target.rsplit(".", 1)[-1] not in _READS)
            or environ.get("PATH_INFO", "").startswith("/moto-api/")
        )
        if target.startswith("DynamoDB_"):
            # moto checks a condition and then writes without a lock: two threads could both
            # pass a condition DynamoDB lets only one pass. One DynamoDB request at a time
            # makes conditional writes and transactions atomic, as on DynamoDB (and lets a
            # snapshot taken under the same lock see whole requests only).
            with self.lock:
                result = self.app(environ, start_response)
                if changes:  # counted once applied: a save that races it sees the write
                    self.on_change()
                return result
        result = self.app(environ, start_response)
        if changes:
            self.on_change()
        return result

    def refusal(self, environ: dict[str, Any]) -> str | None:
        """Why this request is refused, or None to let it through.

        :param environ: the WSGI environ; its body may be read and replaced by a copy.
        """
        if environ.get("HTTP_HOST") not in self.hosts:
            return (
                f"host {environ.get('HTTP_HOST')!r} is not this server's "
                f"(allowed: {', '.join(sorted(self.hosts))})"
            )
        if "HTTP_ORIGIN" in environ:
            return "requests from web pages (with an Origin header) are refused"
        path = environ.get("PATH_INFO", "")
        has_secret = self._has_secret(environ)
        if path.startswith("/moto-api"):
            return None if has_secret else "moto's own API is for the workbench only"
        if has_secret and environ.get("REQUEST_METHOD") == "GET" and _JWKS.match(path):
            return None
        return self._signature_refusal(environ)

    def _has_secret(self, environ: dict[str, Any]) -> bool:
        given = environ.get(_SECRET_ENVIRON)
        return given is not None and hmac.compare_digest(given.encode(), self._secret_bytes)

    def _signature_refusal(self, environ: dict[str, Any]) -> str | None:
        match = _AUTH.match(environ.get("HTTP_AUTHORIZATION", ""))
        amz_date = environ.get("HTTP_X_AMZ_DATE", "")
        if match is None or not amz_date:
            return "the request is not signed (AWS SigV4) with the workbench's credentials"
        scope = match["credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request" or scope[1] != amz_date[:8]:
            return "the request's credential scope is malformed"
        access_key, _, region, service, _ = scope
        signed = HTTPHeaders()
        for name in match["signed"].split(";"):
            value = _environ_header(environ, name)
            if value is None:
                return f"signed header {name!r} is missing"
            signed[name] = value
        body = _read_body(environ)
        claimed = environ.get("HTTP_X_AMZ_CONTENT_SHA256")
        if claimed is not None and not hmac.compare_digest(
            claimed, hashlib.sha256(body).hexdigest()
        ):
            return "the request's payload hash does not match its body"
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
            return "the request's signature does not match the workbench's secret key"
        return None


def _deny(start_response: Callable[..., Any], reason: str) -> list[bytes]:
    body = json.dumps({"__type": DENIED_TYPE, "message": f"refused by the workbench: {reason}"})
    start_response(
        "403 Forbidden",
        [
            ("Content-Type", "application/x-amz-json-1.0"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body.encode()]
