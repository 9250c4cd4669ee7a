"""Hostile clients against the real production server (gunicorn.conf.py, gthread).

Slow senders cannot take every thread (geocoop.web.bodies), and the bombs of the hostile
corpus posted over HTTP are answered with a problem, without losing the worker (issues 14
and 15). The tests share one gunicorn with one worker of four threads (starting it takes
seconds on a loaded machine).
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
import urllib.request
import uuid

import pytest
from sqlalchemy import text

from benchmarks.hostile import CASES
from geocoop.auth import create_token
from tests.support.gunicorn import gunicorn

SLOW_CLIENTS = 8
BODY_TIMEOUT_S = 4


def _status_of(sock: socket.socket) -> int:
    head = b""
    while b"\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    return int(head.split()[1]) if head else 0


def _slow_client(port: int, results: list, index: int) -> None:
    """POST a 100-byte form at 1 byte/s; record the status and when it came."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(
                b"POST /admin/login HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 100\r\n\r\n"
            )
            for _ in range(100):
                readable, _w, _x = select.select([sock], [], [], 1.0)
                if readable:
                    results[index] = (_status_of(sock), time.monotonic() - started)
                    return
                sock.sendall(b"a")
    except OSError as exc:
        results[index] = (type(exc).__name__, time.monotonic() - started)


def _healthz(base: str) -> tuple[int, float]:
    started = time.monotonic()
    with urllib.request.urlopen(base + "/healthz", timeout=BODY_TIMEOUT_S - 1) as response:
        return response.status, time.monotonic() - started


@pytest.fixture(scope="module")
def server(pg_cluster, db_engine):
    """The production server, bodies limited to BODY_TIMEOUT_S (plus their size allowance)."""
    with gunicorn(pg_cluster.url("geocoop_test"), body_timeout_s=BODY_TIMEOUT_S) as running:
        yield running


def test_slow_senders_do_not_hold_every_thread(server):
    workers = server.workers()
    results: list = [None] * SLOW_CLIENTS
    threads = [
        threading.Thread(target=_slow_client, args=(server.port, results, i))
        for i in range(SLOW_CLIENTS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # every slow client connected and sending
    # /healthz answers while they trickle (its timeout is shorter than the body limit)
    health = [_healthz(server.base) for _ in range(3)]
    for thread in threads:
        thread.join(timeout=30)
    assert all(status == 200 for status, _s in health), health
    statuses = sorted(status for status, _s in results)
    # two threads of four may receive bodies: the others were refused at once…
    assert statuses.count(429) == SLOW_CLIENTS - 2, results
    # …and the two that were let in were cut off at the time limit
    assert statuses.count(408) == 2, results
    assert server.workers() == workers  # no worker lost
    assert _healthz(server.base)[0] == 200


def test_a_fast_upload_goes_through_the_body_limit(server):
    """A normal client is not affected: the admin login form is read and answered."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        body = b"csrf=x&token=y"
        sock.sendall(
            b"POST /admin/login HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        assert _status_of(sock) == 403  # read whole, then refused for its CSRF value


@pytest.fixture
def token(db_engine):
    from tests.conftest import truncate_data

    with db_engine.begin() as conn:
        made = create_token(conn, "gunicorn-hostile")
    yield made
    truncate_data(db_engine)


def _multipart(files: dict[str, tuple[str, bytes]], fields: dict[str, str]) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (file_name, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def _job_end(server, location: str, token: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            server.base + location if location.startswith("/") else location,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            job = json.load(response)
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job not finished: {job}\n{server.log()}")


@pytest.mark.parametrize("name", ["mapping_bombe_alias.yaml", "xlsx_bombe_zip.xlsx"])
def test_bombs_posted_to_gunicorn_get_a_problem(server, db_engine, token, tmp_path, name):
    case = CASES[name]
    path, mapping = case.build(tmp_path, 1)
    files = {"file": (path.name, path.read_bytes())}
    if mapping is not None:
        files["mapping"] = (mapping.name, mapping.read_bytes())
    content_type, body = _multipart(files, {"kind": "tiers_lieu"})
    workers = server.workers()
    request = urllib.request.Request(
        server.base + "/api/ingest/cooperations",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202
        location = response.headers["Location"]
    job = _job_end(server, location, token)
    elapsed = time.monotonic() - started
    assert job["status"] == "failed", job
    problem = job["error"]
    assert problem["status"] == case.status and case.fragment in problem["detail"], problem
    assert server.workers() == workers  # the worker answered, nobody killed it
    assert _healthz(server.base)[0] == 200
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one() == 0
    print(f"{name}: {problem['status']} in {elapsed:.2f} s")
