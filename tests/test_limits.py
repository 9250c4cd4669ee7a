"""Bounded cost per request: heavy-route slots (429 + Retry-After), timeouts, hang-ups."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import text

HEAVY = "/api/analysis/coverage?level=commune&distance_m=5000"


def _heavy(distance_m: int) -> str:
    """Another live distance: an answer not kept yet (analysis answers are kept per version)."""
    return f"/api/analysis/coverage?level=commune&distance_m={distance_m}"


@pytest.fixture
def served(pg_cluster, db_engine):
    """An app with one heavy slot, on the data-API grid, served on a free port."""
    from werkzeug.serving import make_server

    from geocoop.web import create_app
    from tests.conftest import truncate_data
    from tests.support.ogc_grid import load_grid

    app = create_app(
        {
            "database_url": pg_cluster.url("geocoop_test"),
            "secret_key": "t",
            "pool_size": 3,
            "heavy_concurrency": 1,
        }
    )
    load_grid(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["geocoop.engine"].dispose()
    truncate_data(db_engine)


def _get(url: str, timeout: float = 30) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _waiting_on_lock(db_engine) -> int:
    with db_engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = 'geocoop' AND state = 'active' "
                "AND wait_event_type = 'Lock'"
            )
        ).scalar_one()


def _until(predicate, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_a_full_heavy_limit_answers_429_with_retry_after(served, db_engine):
    app, base = served
    assert _get(base + HEAVY)[0] == 200
    blocker = db_engine.connect()
    blocker.execute(text("LOCK TABLE cooperation IN ACCESS EXCLUSIVE MODE"))
    first: list = []
    running = threading.Thread(target=lambda: first.append(_get(base + _heavy(6000))))
    try:
        running.start()
        _until(lambda: _waiting_on_lock(db_engine) == 1)  # the one slot is taken
        # an answer already kept for this data version needs no slot
        assert _get(base + HEAVY, timeout=5)[0] == 200
        status, headers, body = _get(base + _heavy(7000), timeout=5)
        assert status == 429, body
        assert int(headers["Retry-After"]) >= 1
        assert headers["Content-Type"].startswith("application/problem+json")
        assert b"Trop de requ" in body or b"Too" in body
        export = "/api/features/collections/communes/items?f=csv"
        assert _get(base + export, timeout=5)[0] == 429  # exports share the slots
        # light requests are not held back by the heavy ones
        started = time.monotonic()
        assert _get(base + "/api/features/conformance", timeout=5)[0] == 200
        assert time.monotonic() - started < 2
    finally:
        blocker.rollback()
        blocker.close()
        running.join(30)
    assert first[0][0] == 200  # the request that had the slot finished normally
    assert _get(base + _heavy(8000))[0] == 200  # and the slot is free again


def test_an_aborted_heavy_request_cancels_its_query(served, db_engine):
    app, base = served
    port = int(base.rsplit(":", 1)[1])
    blocker = db_engine.connect()
    blocker.execute(text("LOCK TABLE cooperation IN ACCESS EXCLUSIVE MODE"))
    try:
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(f"GET {HEAVY} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        _until(lambda: _waiting_on_lock(db_engine) == 1)
        client.close()  # the visitor gives up
        _until(lambda: _waiting_on_lock(db_engine) == 0, seconds=5)  # while still locked
    finally:
        blocker.rollback()
        blocker.close()
    assert _get(base + HEAVY)[0] == 200  # the slot came back


def test_web_sessions_end_when_idle_in_a_transaction(app):
    with app.extensions["geocoop.engine"].connect() as conn:
        assert conn.execute(text("SHOW idle_in_transaction_session_timeout")).scalar() == "10s"
    with app.test_request_context():
        from geocoop.web.database import connection
        from geocoop.web.limits import heavy

        with heavy():
            shown = connection().execute(text("SHOW statement_timeout")).scalar()
        assert shown == "10s"
