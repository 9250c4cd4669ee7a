"""Slow clients against the production server: /healthz latency while bodies trickle in.

gunicorn (gunicorn.conf.py: GEOCOOP_WORKERS workers × GEOCOOP_THREADS gthread threads) on a
throw-away cluster. /healthz is timed sequentially with no other client (the baseline, same
run), then while N clients each send a 1,000-byte form body at 1 byte/s: how fast
/healthz answers, and how the slow clients were answered (429 at once beyond half the
threads; the others are still sending, until GEOCOOP_BODY_TIMEOUT_S gives them 408).

Writes docs/performance-slow-clients.md.
    .venv/bin/python -m benchmarks.bench_slow_clients [--clients 8 32] [--samples 40]
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

from benchmarks.bench_load import free_port, wait_up
from benchmarks.throwaway import throwaway_database

ROOT = Path(__file__).resolve().parent.parent
BODY = 1000


def _healthz(base: str, samples: int) -> list[float]:
    timings = []
    for _ in range(samples):
        started = time.monotonic()
        with urllib.request.urlopen(base + "/healthz", timeout=60) as response:
            response.read()
        timings.append((time.monotonic() - started) * 1000)
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rows = []
    with throwaway_database("gcs-") as (cluster, _engine):
        port = free_port()
        env = {
            **os.environ,
            "GEOCOOP_DATABASE_URL": cluster.url("geocoop_bench"),
            "GEOCOOP_PORT": str(port),
            "GEOCOOP_WORKERS": str(args.workers),
            "GEOCOOP_SECRET_KEY": "bench",
            "PYTHONPATH": str(ROOT),
        }
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "geocoop.web.wsgi:app",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_up(base)
            _healthz(base, 5)  # warm the pools
            baseline = _healthz(base, args.samples)
            rows.append(("none (baseline)", baseline, []))
            print(f"baseline: p50 {_pct(baseline, 50):.0f} ms, p95 {_pct(baseline, 95):.0f} ms")
            for clients in args.clients:
                stop, answers = threading.Event(), []
                threads = [
                    threading.Thread(target=_slow, args=(port, stop, answers))
                    for _ in range(clients)
                ]
                for thread in threads:
                    thread.start()
                time.sleep(2)  # connected and trickling
                during = _healthz(base, args.samples)
                stop.set()
                for thread in threads:
                    thread.join(timeout=30)
                rows.append((f"{clients} at 1 byte/s", during, answers))
                print(
                    f"{clients} slow: p50 {_pct(during, 50):.0f} ms, "
                    f"p95 {_pct(during, 95):.0f} ms, answers {sorted(map(str, answers))}"
                )
                time.sleep(1)
        finally:
            server.terminate()
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
    for label, timings, answers in rows:
        counts: dict[str, int] = {}
        for status, _s in answers:
            key = {429: "429 at once", 408: "408"}.get(status, str(status))
            counts[key] = counts.get(key, 0) + 1
        said = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "—"
        lines.append(
            f"| {label} | {_pct(timings, 50):.0f} ms | {_pct(timings, 95):.0f} ms | "
            f"{timings[-1]:.0f} ms | {_pct(timings, 50) / base50:.1f}× | {said} |"
        )
    lines += [
        "",
        "Not measured here: without the body limit (before this change) the first 8 slow "
        f"clients would take the 8 threads for {BODY} s each and `/healthz` would wait "
        "behind them. Behind nginx "
        "(`proxy_request_buffering on`, docs/operations.md) they never reach gunicorn.",
        "",
    ]
    (ROOT / "docs" / "performance-slow-clients.md").write_text("\n".join(lines), encoding="utf-8")
    print("wrote docs/performance-slow-clients.md")


if __name__ == "__main__":
    main()
