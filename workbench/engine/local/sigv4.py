"""The guard's SigV4 check (:mod:`.guard`): a request must be signed with this instance's
secret key, and dated within 15 minutes of the server's clock, as AWS requires."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

from .bodies import body
from .refusals import CORAL, Refusal, denied

# A signature is valid for 15 minutes either side of its X-Amz-Date; AWS refuses it after
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html): DynamoDB answers
# 400 InvalidSignatureException "Signature expired: ... is now earlier than ...".
MAX_SKEW = timedelta(minutes=15)
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_AUTH = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})\s*$"
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


def _environ_header(environ: dict[str, Any], name: str) -> str | None:
    if name == "content-type":
        return environ.get("CONTENT_TYPE")
    if name == "content-length":
        return environ.get("CONTENT_LENGTH")
    return environ.get("HTTP_" + name.upper().replace("-", "_"))


def _date_refusal(amz_date: str, now: datetime) -> Refusal | None:
    """DynamoDB's answer to an ``X-Amz-Date`` that is malformed or over 15 minutes off."""
    try:
        signed = datetime.strptime(amz_date, _AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        return Refusal(
            "400 Bad Request",
            CORAL + "IncompleteSignatureException",
            f"Date must be in ISO-8601 'basic format'. Got {amz_date!r}. "
            "See http://en.wikipedia.org/wiki/ISO_8601",
        )
    stamp = now.strftime(_AMZ_DATE)
    if signed < now - MAX_SKEW:
        earliest = (now - MAX_SKEW).strftime(_AMZ_DATE)
        return Refusal(
            "400 Bad Request",
            CORAL + "InvalidSignatureException",
            f"Signature expired: {amz_date} is now earlier than {earliest} ({stamp} - 15 min.)",
        )
    if signed > now + MAX_SKEW:
        latest = (now + MAX_SKEW).strftime(_AMZ_DATE)
        return Refusal(
            "400 Bad Request",
            CORAL + "InvalidSignatureException",
            f"Signature not yet current: {amz_date} is still later than {latest} "
            f"({stamp} + 15 min.)",
        )
    return None


def signature_refusal(environ: dict[str, Any], secret: str) -> Refusal | None:
    """Why a request's SigV4 signature is refused (the answer to give instead), or None if it
    was made with ``secret`` (any access key id, region and service: they are read from the
    credential scope) within 15 minutes of now. Reads the body (:func:`.bodies.body`)."""
    match = _AUTH.match(environ.get("HTTP_AUTHORIZATION", ""))
    amz_date = environ.get("HTTP_X_AMZ_DATE", "")
    if match is None or not amz_date:
        return denied("the request is not signed (AWS SigV4) with the workbench's credentials")
    # Before anything is read or computed: a signature replayed later is worth nothing.
    stale = _date_refusal(amz_date, datetime.now(UTC))
    if stale is not None:
        return stale
    scope = match["credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or scope[1] != amz_date[:8]:
        return denied("the request's credential scope is malformed")
    access_key, _, region, service, _ = scope
    signed = HTTPHeaders()
    for name in match["signed"].split(";"):
        value = _environ_header(environ, name)
        if value is None:
            return denied(f"signed header {name!r} is missing")
        signed[name] = value
    payload = body(environ)
    if isinstance(payload, Refusal):
        return payload
    claimed = environ.get("HTTP_X_AMZ_CONTENT_SHA256")
    if claimed is not None and not hmac.compare_digest(
        claimed, hashlib.sha256(payload).hexdigest()
    ):
        return denied("the request's payload hash does not match its body")
    # The path as sent (still percent-encoded), as the client signed it.
    path = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if path is None:
        path = quote(environ.get("PATH_INFO", ""))
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
    request = AWSRequest(
        method=environ.get("REQUEST_METHOD", "GET"),
        url=f"http://{environ['HTTP_HOST']}{path}",
        data=payload,
    )
    request.context["timestamp"] = amz_date
    signer = _Signer(Credentials(access_key, secret), service, region, signed)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, match["signature"]):
        return denied("the request's signature does not match the workbench's secret key")
    return None
