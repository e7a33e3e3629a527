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

The signature check is :mod:`.sigv4`'s, the body's :mod:`.bodies`', the answers
:mod:`.refusals`'; DynamoDB's own rules on a request's content are :mod:`.rules`'.
"""

from __future__ import annotations

import hmac
import re
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from .bodies import MAX_BODY, serialization_refusal
from .bodies import body as read_body
from .refusals import CORAL, Refusal, answer, denied
from .sigv4 import signature_refusal

__all__ = ["MAX_BODY", "SECRET_HEADER", "Guard", "Refusal"]

SECRET_HEADER = "X-Workbench-Secret"
_SECRET_ENVIRON = "HTTP_X_WORKBENCH_SECRET"
# The JSON protocol's targets: their body must be one JSON object.
_JSON_TARGETS = ("DynamoDB_20120810.", "DynamoDBStreams_20120810.")
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
            return answer(start_response, refusal)
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
        body = read_body(environ)  # already read, unless it is moto's own API
        if isinstance(body, Refusal):
            return answer(start_response, body)
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
                return answer(
                    start_response,
                    Refusal(
                        "500 Internal Server Error",
                        CORAL + "InternalFailure",
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
            return denied(
                f"host {environ.get('HTTP_HOST')!r} is not this server's "
                f"(allowed: {', '.join(sorted(self.hosts))})"
            )
        if "HTTP_ORIGIN" in environ:
            return denied("requests from web pages (with an Origin header) are refused")
        path = environ.get("PATH_INFO", "")
        has_secret = self._has_secret(environ)
        if path.startswith("/moto-api"):
            return None if has_secret else denied("moto's own API is for the workbench only")
        if has_secret and environ.get("REQUEST_METHOD") == "GET" and _JWKS.match(path):
            return None
        refusal = signature_refusal(environ, self.secret)
        if refusal is not None:
            return refusal
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith(_JSON_TARGETS):
            return serialization_refusal(environ["workbench.body"])  # read by the check above
        return None

    def _has_secret(self, environ: dict[str, Any]) -> bool:
        given = environ.get(_SECRET_ENVIRON)
        return given is not None and hmac.compare_digest(given.encode(), self._secret_bytes)
