"""Slow clients against the production server: /healthz latency while bodies trickle in.

gunicorn (gunicorn.conf.py: GEOCOOP_WORKERS workers × GEOCOOP_THREADS gthread threads) on a
throw-away cluster. /healthz is timed sequentially with no other client (the baseline, same
run), then while N clients each send a 1,000-byte form body at 1 byte/s: how fast
/healthz answers, and how the slow clients were answered (429 at once beyond half the
threads; the others are still sending, until GEOCOOP_BODY_TIMEOUT_S gives them 408).

`--before DIR` runs the 8-client case again, in the same run, against the code of another
checkout (e.g. a worktree of the commit before the body limit): /healthz is then given 10 s
before it counts as not answered.

Writes docs/performance-slow-clients.md.
    .venv/bin/python -m benchmarks.bench_slow_clients [--clients 8 32] [--samples 40]
        [--before ../main-before]
"""

from __future__ import annotations

import argparse
import os
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from benchmarks.gunicorn_server import start, wait_up
from benchmarks.sections import write_run
from benchmarks.throwaway import throwaway_database

ROOT = Path(__file__).resolve().parent.parent
BODY = 1000


def _healthz(base: str, samples: int, timeout: float = 60) -> list[float]:
    """Sorted latencies in ms; a request not answered within `timeout` counts as inf."""
    timings = []
    for _ in range(samples):
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=timeout) as response:
                response.read()
            timings.append((time.monotonic() - started) * 1000)
        except OSError:
            timings.append(float("inf"))
    return sorted(timings)


def _pct(values: list[float], p: int) -> float:
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def _slow(port: int, stop: threading.Event, answers: list) -> None:
    """One client: headers at once, then the body at 1 byte/s until answered or stopped."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"POST /admin/login HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: %d\r\n\r\n" % BODY
            )
            started = time.monotonic()
            while not stop.is_set():
                readable, _w, _x = select.select([sock], [], [], 1.0)
                if readable:
                    head = sock.recv(64)
                    answers.append((int(head.split()[1]), time.monotonic() - started))
                    return
                sock.sendall(b"a")
            answers.append(("still sending", time.monotonic() - started))
    except OSError as exc:
        answers.append((type(exc).__name__, 0.0))


def _serve(url: str, code: Path, workers: int) -> tuple[subprocess.Popen, int]:
    server = start(url, workers=workers, code=code)
    return server.process, server.port


def _phase(port: int, clients: int, samples: int, timeout: float) -> tuple[list, list]:
    base = f"http://127.0.0.1:{port}"
    stop, answers = threading.Event(), []
    threads = [threading.Thread(target=_slow, args=(port, stop, answers)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(2)  # connected and trickling
    during = _healthz(base, samples, timeout)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    print(
        f"{clients} slow: p50 {_pct(during, 50):.0f} ms, p95 {_pct(during, 95):.0f} ms, "
        f"answers {sorted(map(str, answers))}"
    )
    return during, answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--before", type=Path, default=None)
    args = parser.parse_args()
    rows = []
    with throwaway_database("gcs-") as (cluster, _engine):
        url = cluster.url("geocoop_bench")
        server, port = _serve(url, ROOT, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_up(base)
            _healthz(base, 5)  # warm the pools
            baseline = _healthz(base, args.samples)
            rows.append(("none (baseline)", baseline, []))
            print(f"baseline: p50 {_pct(baseline, 50):.0f} ms, p95 {_pct(baseline, 95):.0f} ms")
            for clients in args.clients:
                during, answers = _phase(port, clients, args.samples, 60)
                rows.append((f"{clients} at 1 byte/s", during, answers))
                time.sleep(1)
        finally:
            server.terminate()
            server.wait(timeout=30)
        if args.before is not None:  # its own database, migrated by its own code
            before = args.before.resolve()
            cluster.create_database("geocoop_before")
            url = cluster.url("geocoop_before")
            subprocess.run(
                [sys.executable, "-m", "geocoop", "db", "upgrade"],
                env={**os.environ, "GEOCOOP_DATABASE_URL": url, "PYTHONPATH": str(before)},
                cwd=before,
                check=True,
                capture_output=True,
            )
            server, port = _serve(url, before, args.workers)
            try:
                wait_up(f"http://127.0.0.1:{port}")
                during, answers = _phase(port, 8, 3, 10)
                rows.append(("8 at 1 byte/s, **before** (no body limit)", during, answers))
            finally:
                server.kill()  # its threads are held by the slow clients
                server.wait(timeout=30)
    _write(rows, args)


def _write(rows, args) -> None:
    base50 = _pct(rows[0][1], 50)
    lines = [
        "# Slow clients",
        "",
        f"`benchmarks/bench_slow_clients.py`: gunicorn.conf.py ({args.workers} gthread workers "
        "× 4 threads, `geocoop.web.bodies`: at most half the threads receive a body at once, "
        "each body within `GEOCOOP_BODY_TIMEOUT_S` = 30 s plus its size allowance). "
        f"`/healthz` timed {args.samples} times in a row; slow clients each send a "
        f"{BODY}-byte form to `/admin/login` at 1 byte/s. 2 shared cores, other work running.",
        "",
        "| slow clients | /healthz p50 | p95 | max | ratio p50 to baseline | slow clients' answers "
        "(while /healthz was timed) |",
        "|---|---|---|---|---|---|",
    ]

    def ms(value: float) -> str:
        return "no answer in 10 s" if value == float("inf") else f"{value:.0f} ms"

    for label, timings, answers in rows:
        counts: dict[str, int] = {}
        for status, _s in answers:
            key = {429: "429 at once", 408: "408"}.get(status, str(status))
            counts[key] = counts.get(key, 0) + 1
        said = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "—"
        ratio = _pct(timings, 50) / base50
        lines.append(
            f"| {label} | {ms(_pct(timings, 50))} | {ms(_pct(timings, 95))} | "
            f"{ms(timings[-1])} | {'∞' if ratio == float('inf') else f'{ratio:.1f}×'} | {said} |"
        )
    lines += [
        "",
        "« before »: the same gunicorn.conf.py and server on the code of main before the "
        "body limit, same run, same cluster (a database migrated by that code); `/healthz` "
        "given 10 s, 3 tries. Behind nginx "
        "(`proxy_request_buffering on`, docs/operations.md) they never reach gunicorn.",
        "",
    ]
    write_run(
        ROOT / "docs" / "performance-slow-clients.md",
        "\n".join(lines),
        "Run of `bench_slow_clients`",
    )
    print("wrote docs/performance-slow-clients.md")


if __name__ == "__main__":
    main()
