"""Slowing down password guessing: failed sign-ins counted per handle and per client address.

After :data:`MAX_FAILURES` failed sign-ins within :data:`WINDOW_SECONDS` for one handle, or
from one client address, further sign-ins for that handle (or from that address) are refused
with HTTP 429 and ``Retry-After`` until the oldest of those failures leaves the window, even
with the right password: a guesser learns nothing while refused. A successful sign-in
forgets the failures of its handle.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from ...errors import WorkbenchError

MAX_FAILURES = 5
WINDOW_SECONDS = 60.0
# Failures are kept for this many keys at most; beyond it the expired ones are dropped first.
MAX_KEYS = 10_000


class TooManyAttempts(WorkbenchError):
    """Too many failed sign-ins for a handle or from an address (HTTP 429).

    :param retry_after: whole seconds until a sign-in is accepted again.
    """

    def __init__(self, msg: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(msg)


class SignInThrottle:
    """Counts failed sign-ins and refuses while a handle or an address has too many.

    :param clock: seconds, monotonic (for tests).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(handle: str, address: str | None) -> list[tuple[str, str]]:
        return [("handle", handle.casefold()), ("address", address or "unknown")]

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        return times

    def check(self, handle: str, address: str | None) -> None:
        """Refuse a sign-in while its handle or address has too many recent failures.

        :raises TooManyAttempts: naming which, and how long to wait.
        """
        now = self.clock()
        with self._lock:
            for key in self._keys(handle, address):
                times = self._recent(key, now)
                if len(times) >= MAX_FAILURES:
                    wait = max(1, math.ceil(times[-MAX_FAILURES] + WINDOW_SECONDS - now))
                    what = f"for {handle!r}" if key[0] == "handle" else "from this address"
                    raise TooManyAttempts(
                        f"too many failed sign-ins {what} ({len(times)} in the last "
                        f"{WINDOW_SECONDS:.0f} s; at most {MAX_FAILURES}): try again in {wait} s",
                        wait,
                    )

    def failed(self, handle: str, address: str | None) -> None:
        """Count a failed sign-in for ``handle`` from ``address``."""
        now = self.clock()
        with self._lock:
            if len(self._failures) >= MAX_KEYS:
                for key in list(self._failures):
                    if not self._recent(key, now):
                        del self._failures[key]
            for key in self._keys(handle, address):
                times = self._recent(key, now)
                times.append(now)
                # Only the newest MAX_FAILURES matter to check(); older ones are dropped.
                while len(times) > MAX_FAILURES:
                    times.popleft()
                self._failures[key] = times

    def succeeded(self, handle: str) -> None:
        """Forget the failures of ``handle`` (its owner knows the password)."""
        with self._lock:
            self._failures.pop(("handle", handle.casefold()), None)
