"""Bounded cost per request: heavy requests (live analysis, exports) share a few slots.

`with heavy():` around a view's costly work takes one of GEOCOOP_HEAVY_CONCURRENCY slots of
this process without waiting — none free: `429 Too Many Requests` with `Retry-After`,
instead of queueing behind the pool and starving the light requests — sets the
transaction's `statement_timeout` to GEOCOOP_HEAVY_STATEMENT_TIMEOUT_MS, and cancels the
running SQL when the client hangs up (its socket reads end-of-file), so an abandoned
request frees its connection and its CPU at once.
"""

from __future__ import annotations

import logging
import select
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, request

from geocoop.db import set_local_statement_timeout
from geocoop.errors import TooBusy
from geocoop.web.database import connection

log = logging.getLogger(__name__)
RETRY_AFTER_S = 2


def init_app(app: Flask) -> None:
    """The heavy-request slots of this process, and the hang-up watcher."""
    settings = app.config["GEOCOOP"]
    app.extensions["geocoop.heavy"] = threading.BoundedSemaphore(max(1, settings.heavy_concurrency))
    app.extensions["geocoop.hangups"] = _HangupWatcher()


@contextmanager
def heavy() -> Iterator[None]:
    """Run the block in one of the heavy slots (429 when none is free)."""
    slots: threading.BoundedSemaphore = current_app.extensions["geocoop.heavy"]
    if not slots.acquire(blocking=False):
        raise TooBusy(
            "Trop de calculs lourds en cours (analyse à la volée, export) : "
            f"réessayez dans {RETRY_AFTER_S} s.",
            retry_after=RETRY_AFTER_S,
        )
    watcher: _HangupWatcher = current_app.extensions["geocoop.hangups"]
    token = None
    try:
        conn = connection()
        set_local_statement_timeout(conn, current_app.config["GEOCOOP"].heavy_statement_timeout_ms)
        client = request.environ.get("gunicorn.socket") or request.environ.get("werkzeug.socket")
        if client is not None:
            token = watcher.watch(client, conn.connection.driver_connection)
        yield
    finally:
        if token is not None:
            watcher.forget(token)
        slots.release()


def client_hung_up(client: socket.socket) -> bool:
    """True when the client closed its side (a readable socket with nothing to read)."""
    try:
        readable, _, _ = select.select([client], [], [], 0)
        if not readable:
            return False
        return client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError, ValueError):
        return False  # nothing to read yet, or a TLS socket (no peeking): assume alive
    except OSError:
        return True


class _HangupWatcher:
    """One thread per process cancelling the queries of clients that have gone.

    One thread per process: every 0.2 s, cancel the query of a watched request whose
    client has gone (psycopg's `cancel()`, safe from another thread).
    """

    def __init__(self) -> None:
        self._watched: dict[int, tuple[socket.socket, object]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._next = 0

    def watch(self, client: socket.socket, pgconn) -> int:
        with self._lock:
            self._next += 1
            self._watched[self._next] = (client, pgconn)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="geocoop-hangups", daemon=True
                )
                self._thread.start()
            return self._next

    def forget(self, token: int) -> None:
        with self._lock:
            self._watched.pop(token, None)

    def _run(self) -> None:
        while True:
            with self._lock:
                watched = list(self._watched.items())
                if not watched:
                    self._thread = None
                    return
            for token, (client, pgconn) in watched:
                if client_hung_up(client):
                    self.forget(token)
                    try:
                        pgconn.cancel()
                        log.info("client gone: its query was cancelled")
                    except Exception:  # the query had just ended: nothing to cancel
                        log.debug("cancel after hang-up failed", exc_info=True)
            threading.Event().wait(0.2)
