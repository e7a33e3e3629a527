"""``ExecuteTransaction``'s ``ClientRequestToken``: a transaction made once, whatever the retries.

API reference, ExecuteTransaction
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteTransaction.html):
the token makes the call idempotent, so a second call with the same token within 10 minutes
answers as the first did and changes nothing; the same token with other statements is refused
with ``IdempotentParameterMismatchException``. Only a transaction that was made holds its
token (a cancelled or refused one can be retried with it).
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..limits.messages import IDEMPOTENT_MISMATCH, TOKEN_LIFETIME_SECONDS, TOKEN_REUSED
from ..limits.schema import jsonable
from .syntax import StatementRefused

Responses = list[dict[str, Any]]


class Replays:
    """The tokens of the transactions one engine made, with what each answered, for 10 minutes.

    :param clock: seconds, monotonic (injectable so tests need not wait 10 minutes).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._made: dict[str, tuple[str, float, Responses]] = {}
        self._lock = threading.Lock()

    def run(
        self,
        token: str | None,
        statements: Sequence[Mapping[str, Any]],
        make: Callable[[], Responses],
    ) -> tuple[Responses, bool]:
        """The transaction's responses: ``make()``'s, or the stored ones for a replay.

        :param token: the request's ``ClientRequestToken`` (None: no idempotency).
        :returns: the responses, and whether they are a replay's (nothing was made).
        :raises StatementRefused: ``IdempotentParameterMismatchException`` for the token of
            another transaction; whatever ``make`` raises.
        """
        if not token:
            return make(), False
        digest = _fingerprint(statements)
        with self._lock:
            now = self._clock()
            self._made = {t: m for t, m in self._made.items() if m[1] > now}
            seen = self._made.get(token)
            if seen is not None:
                if seen[0] != digest:
                    raise StatementRefused(IDEMPOTENT_MISMATCH, TOKEN_REUSED)
                return copy.deepcopy(seen[2]), True
            responses = make()  # under the lock, so two retries cannot both make it
            self._made[token] = (digest, now + TOKEN_LIFETIME_SECONDS, responses)
            return responses, False


def _fingerprint(statements: Sequence[Mapping[str, Any]]) -> str:
    """A digest of what the token promises: the statements and their parameters, in order."""
    raw = json.dumps(list(statements), sort_keys=True, default=jsonable)
    return hashlib.sha256(raw.encode()).hexdigest()
