"""Failed token attempts are throttled per client address.

After `MAX_FAILURES` failures
within `WINDOW_S` seconds, every token check from that address answers 429 with
`Retry-After` until the window has passed. A success clears the address. Failures are
logged with the address and never with the token. Kept per process (each gunicorn worker
counts its own): an attacker spread over W workers gets W × MAX_FAILURES tries a window,
still far too few to guess a 32-byte token; the reverse proxy's own limit is the second
line (docs/operations.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from flask import Flask, current_app, request

from geocoop.errors import TooBusy

MAX_FAILURES = 10
WINDOW_S = 60
MAX_CLIENTS = 10_000  # bounded memory: the oldest addresses are forgotten first

log = logging.getLogger("geocoop.auth")


class TokenThrottle:
    """Failure times per client address (in-process, thread-safe, bounded)."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S) -> None:
        """Refuse after `max_failures` failures within `window_s` seconds."""
        self.max_failures, self.window_s = max_failures, window_s
        self._failures: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(client, []) if now - t < self.window_s]
        if times:
            self._failures[client] = times
        else:
            self._failures.pop(client, None)
        return times

    def check(self, client: str) -> None:
        """Raise TooBusy (429) while `client` is over its failure budget."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
        if len(times) >= self.max_failures:
            wait = max(1, int(self.window_s - (now - times[0])) + 1)
            raise TooBusy(
                f"Trop d'essais de jeton invalides depuis cette adresse : réessayez dans {wait} s.",
                retry_after=wait,
            )

    def failed(self, client: str) -> None:
        """Count one failed attempt of `client`."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            times.append(now)
            self._failures[client] = times
            self._failures.move_to_end(client)
            while len(self._failures) > MAX_CLIENTS:
                self._failures.popitem(last=False)
        log.warning(
            "jeton refusé depuis %s (%d échec(s) en %d s)", client, len(times), self.window_s
        )

    def succeeded(self, client: str) -> None:
        """Forget `client`'s failures."""
        with self._lock:
            self._failures.pop(client, None)


def init_app(app: Flask) -> None:
    """One throttle per app (process)."""
    app.extensions["geocoop.token_throttle"] = TokenThrottle()


def _throttle() -> TokenThrottle:
    return current_app.extensions["geocoop.token_throttle"]


def _client() -> str:
    return request.remote_addr or "?"


def check_client() -> None:
    """429 when this request's address has failed too often (before any token check)."""
    _throttle().check(_client())


def token_failed() -> None:
    """This request's token was refused."""
    _throttle().failed(_client())


def token_accepted() -> None:
    """This request's token was accepted."""
    _throttle().succeeded(_client())
