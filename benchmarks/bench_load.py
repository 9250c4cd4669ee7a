"""Load and faults, long form: gunicorn on a throw-away cluster with the bundled data.

1. 64 concurrent clients for 60 s on items, tiles and analysis endpoints: errors, p95,
   throughput per endpoint family; baseline: /healthz (one trivial query) in the same run.
2. PostgreSQL stopped during load: every answer is a 503 problem within the request timeout,
   no hang, no crash; service recovers by itself once PostgreSQL is back.

Writes docs/performance-load.md. Loopback only; bounded in time.
    .venv/bin/python -m benchmarks.bench_load [--seconds 60] [--clients 64]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.gunicorn_server import start, wait_up
from benchmarks.load import run_load
from benchmarks.sections import write_run
from geocoop.db import make_engine, upgrade
from geocoop.embedded import EmbeddedCluster
from geocoop.orchestration import load_bundled

ROOT = Path(__file__).resolve().parent.parent

FAMILIES = {
    "baseline (no database: /conformance)": ["/api/features/conformance"],
    "items (bbox, ~100 communes)": [
        "/api/features/collections/communes/items?bbox=-2.0,47.9,-1.4,48.3&limit=100",
        "/api/features/collections/communes/items?bbox=-3.6,48.2,-3.0,48.6&limit=100",
        "/api/features/collections/cooperations/items?limit=100",
    ],
    "tiles": [f"/tiles/communes/9/{x}/{y}.mvt" for x in (250, 251, 252) for y in (176, 177)],
    "analysis": [
        "/api/analysis/white-zones?kind=tiers_lieu",
        "/api/analysis/coverage?level=departement&kind=france_services",
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="gcl-", dir="/tmp"))
    cluster = EmbeddedCluster(data_dir, "geocoop_load", fast=True)
    cluster.start()
    server = None
    try:
        engine = make_engine(cluster.url())
        upgrade(engine)
        for line in load_bundled(engine, ROOT / "data"):
            print(line)
        engine.dispose()
        server = start(
            cluster.url(),
            workers=args.workers,
            args=[
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                os.environ.get("GEOCOOP_BENCH_ERRORLOG", "/dev/null"),
            ],
        )
        base = server.base
        wait_up(base, process=server.process)
        rows = []
        for family, paths in FAMILIES.items():
            run_load(base, paths, clients=4, seconds=2)  # warm caches and pools
            result = run_load(base, paths, clients=args.clients, seconds=args.seconds)
            rows.append((family, result))
            print(
                f"{family:32} {result.requests:7d} req  {result.throughput:7.0f} req/s  "
                f"p50 {result.percentile(50):6.0f} ms  p95 {result.percentile(95):6.0f} ms  "
                f"errors {result.errors}  {result.statuses}"
            )
        fault = fault_run(base, cluster, args.clients)
        write_doc(rows, fault, args)
    finally:
        if server:
            server.stop(20)
        cluster.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def fault_run(base: str, cluster: EmbeddedCluster, clients: int) -> dict:
    """Stop PostgreSQL under load, then start it again; measure what clients saw."""
    paths = FAMILIES["items (bbox, ~100 communes)"] + FAMILIES["analysis"]
    outcome: dict = {}

    def stopper():
        time.sleep(3)
        cluster.stop()
        time.sleep(8)
        cluster.start()
        outcome["restarted_at"] = time.monotonic()

    thread = threading.Thread(target=stopper)
    start = time.monotonic()
    thread.start()
    during = run_load(base, paths, clients=min(clients, 16), seconds=20, timeout=40)
    thread.join()
    after = run_load(base, paths, clients=4, seconds=5)
    outcome.update(
        statuses=during.statuses,
        max_latency_ms=max(during.latencies_ms) if during.latencies_ms else 0,
        after_statuses=after.statuses,
        recovered=after.errors == 0,
        elapsed=time.monotonic() - start,
    )
    print(
        f"fault run: during {during.statuses}, max latency {outcome['max_latency_ms']:.0f} ms; "
        f"after restart {after.statuses}"
    )
    return outcome


def write_doc(rows, fault, args) -> None:
    base_tp = rows[0][1].throughput or 1
    lines = [
        "# Load and faults",
        "",
        f"`benchmarks/bench_load.py`: gunicorn ({args.workers} gthread workers × 4 threads, "
        f"`gunicorn.conf.py`) on the bundled data (Bretagne + La Réunion, 1,226 communes), "
        f"{args.clients} closed-loop clients on loopback for {args.seconds:.0f} s per family. "
        "Baseline: `/api/features/conformance` (framework only, no database), same run.",
        "",
        "| endpoints | requests | req/s | ratio to baseline | p50 ms | p95 ms | errors (5xx or "
        "no answer) |",
        "|---|---|---|---|---|---|---|",
    ]
    for family, r in rows:
        lines.append(
            f"| {family} | {r.requests} | {r.throughput:.0f} | "
            f"{r.throughput / base_tp:.2f} | {r.percentile(50):.0f} | "
            f"{r.percentile(95):.0f} | {r.errors} |"
        )
    lines += [
        "",
        "**PostgreSQL stopped during load** (16 clients, PostgreSQL stopped after 3 s and "
        "restarted 8 s later): statuses seen "
        f"`{fault['statuses']}`, slowest answer {fault['max_latency_ms']:.0f} ms (request "
        "timeout 30 s, connect timeout 5 s); after the restart: "
        f"`{fault['after_statuses']}` — "
        + ("recovered by itself." if fault["recovered"] else "NOT recovered."),
        "",
    ]
    write_run(ROOT / "docs" / "performance-load.md", "\n".join(lines), "Run of `bench_load`")
    print("wrote docs/performance-load.md")


if __name__ == "__main__":
    main()
