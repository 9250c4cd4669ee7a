"""Beyond one machine, measured (issue #19): a primary, a standby, Varnish in front.

A primary and one real streaming standby (`geocoop db replica`'s code) on loopback,
gunicorn reading from the standby, and Debian's Varnish in front (deploy/varnish.vcl), on
the bundled data.

1. Reads routed: the share of the load's answers served by the standby
   (`X-Geocoop-Database`), and by the primary when no standby is configured (baseline).
2. A write on the primary: how long until the standby's reads show it (replay lag).
3. The load benchmark's read mix (items, tiles, analysis) with N clients: req/s, p50/p95
   and errors straight to gunicorn (baseline, same run) and through Varnish (hit ratio).
4. The standby stopped mid-run: errors, and the primary serving the rest.

Writes docs/performance-cache.md. Loopback only; bounded in time.

    .venv/bin/python -m benchmarks.bench_cache [--seconds 20] [--clients 32]
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import text

from benchmarks import httpcache
from benchmarks.bench_load import FAMILIES
from benchmarks.gunicorn_server import free_port, start, wait_up
from benchmarks.load import LoadResult, run_load
from benchmarks.sections import write_run
from geocoop.db import make_engine, upgrade
from geocoop.embedded import EmbeddedCluster, StandbyCluster
from geocoop.orchestration import load_bundled

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance-cache.md"
# the load benchmark's reads that touch the database (its no-database baseline left out)
READS = [
    p for family, paths in FAMILIES.items() if not family.startswith("baseline") for p in paths
]


def gunicorn(url: str, port: int, workers: int, **settings: str) -> subprocess.Popen:
    """Start gunicorn with the project's configuration on `port` (no logs)."""
    quiet = ["--access-logfile", "/dev/null", "--error-logfile", "/dev/null"]
    server = start(url, port=port, workers=workers, settings=settings, args=quiet)
    return server.process


def served_by(port: int, paths: list[str], rounds: int = 5) -> dict[str, int]:
    """Which database served each of `rounds` passes over `paths`."""
    counts: dict[str, int] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(rounds):
        for path in paths:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            # without GEOCOOP_READ_DATABASE_URLS the header is not sent: the primary served
            who = response.headers.get("X-Geocoop-Database", "primary (no header)")
            counts[who] = counts.get(who, 0) + 1
    conn.close()
    return counts


def replay_lag_ms(primary, standby) -> float:
    """A committed write on the primary, then the time until the standby reads it."""
    marker = f"bench-{time.time_ns()}"
    with primary.begin() as conn:
        conn.execute(
            text("INSERT INTO api_token (name, token_hash) VALUES (:n, :h)"),
            {"n": marker, "h": marker},
        )
    started = time.perf_counter()
    with standby.connect() as conn:
        while (
            conn.execute(
                text("SELECT count(*) FROM api_token WHERE name = :n"), {"n": marker}
            ).scalar_one()
            == 0
        ):
            if time.perf_counter() - started > 30:
                raise SystemExit("the standby did not replay the write within 30 s")
            conn.rollback()
            time.sleep(0.001)
    return (time.perf_counter() - started) * 1000


def line(name: str, result: LoadResult) -> tuple:
    """One table row."""
    row = (
        name,
        result.requests,
        round(result.throughput),
        round(result.percentile(50)),
        round(result.percentile(95)),
        result.errors,
    )
    print(f"{name:44} {row[1]:7d} req {row[2]:6d} req/s p50 {row[3]:5d} ms "
          f"p95 {row[4]:5d} ms errors {row[5]} {result.statuses}")  # fmt: skip
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not httpcache.installed():
        raise SystemExit("Varnish absent: apt-get install varnish (scripts/setup.sh does)")

    data_dir = Path(tempfile.mkdtemp(prefix="gcc-", dir="/tmp"))
    cluster = EmbeddedCluster(data_dir, "geocoop_cache", fast=True)
    cluster.start()
    standby = StandbyCluster(cluster)
    servers: list[subprocess.Popen] = []
    figures: dict = {}
    try:
        primary = make_engine(cluster.url())
        upgrade(primary)
        for progress in load_bundled(primary, ROOT / "data"):
            print(progress)
        standby.start()
        replica = make_engine(standby.url("geocoop_cache"))
        alone_port, routed_port = free_port(), free_port()
        servers.append(gunicorn(cluster.url(), alone_port, args.workers))
        read_urls = standby.url("geocoop_cache")
        routed = gunicorn(cluster.url(), routed_port, args.workers, read_database_urls=read_urls)
        servers.append(routed)
        for port in (alone_port, routed_port):
            wait_up(f"http://127.0.0.1:{port}")

        figures["served_alone"] = served_by(alone_port, READS)
        figures["served_routed"] = served_by(routed_port, READS)
        print("served by (no standby configured):", figures["served_alone"])
        print("served by (standby configured):   ", figures["served_routed"])
        lags = [replay_lag_ms(primary, replica) for _ in range(20)]
        figures["lag_ms"] = {"min": round(min(lags), 1), "median": round(sorted(lags)[10], 1),
                             "max": round(max(lags), 1)}  # fmt: skip
        print("write visible on the standby after (ms):", figures["lag_ms"])

        rows = []
        for port in (alone_port, routed_port):
            run_load(f"http://127.0.0.1:{port}", READS, clients=4, seconds=2)  # warm up
        rows.append(line("primary only, no cache (baseline)", run_load(
            f"http://127.0.0.1:{alone_port}", READS, args.clients, args.seconds)))  # fmt: skip
        rows.append(line("reads on the standby, no cache", run_load(
            f"http://127.0.0.1:{routed_port}", READS, args.clients, args.seconds)))  # fmt: skip
        with httpcache.varnish(routed_port) as cache:
            before = httpcache.stats(cache)
            cached = run_load(cache, READS, args.clients, args.seconds)
            after = httpcache.stats(cache)
            rows.append(line("reads on the standby, Varnish in front", cached))
            hits = after["hit"] - before["hit"]
            misses = after["miss"] - before["miss"]
            figures["hit_ratio"] = round(hits / max(1, hits + misses), 4)
            figures["hits"], figures["misses"] = hits, misses
            print(f"Varnish: {hits} hits, {misses} misses ({figures['hit_ratio']:.1%})")

        # the standby stopped a third of the way through a run
        stopper = threading.Timer(args.seconds / 3, standby.stop)
        stopper.start()
        stopped = run_load(f"http://127.0.0.1:{routed_port}", READS, args.clients, args.seconds)
        stopper.join()
        rows.append(line("standby stopped a third of the way through", stopped))
        figures["served_after_stop"] = served_by(routed_port, READS, rounds=1)
        print("served by after the stop:", figures["served_after_stop"])
        write_doc(rows, figures, args)
        replica.dispose()
        primary.dispose()
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(20)
        standby.remove()
        cluster.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def write_doc(rows: list[tuple], figures: dict, args) -> None:
    """docs/performance-cache.md."""
    base = rows[0][2] or 1
    table = "\n".join(
        f"| {r[0]} | {r[1]:,} | {r[2]:,} | {r[2] / base:.2f}× | {r[3]} | {r[4]} | {r[5]} |"
        for r in rows
    )
    write_run(
        DOC,
        f"""# Read replica and HTTP cache, measured

`benchmarks/bench_cache.py` (`python -m benchmarks.bench_cache --seconds {args.seconds:g}
--clients {args.clients}`): the bundled data (Bretagne + La Réunion) in a throw-away
embedded cluster, one real streaming standby of it (`pg_basebackup -R`, replication slot:
the code of `geocoop db replica start`), two gunicorns ({args.workers} gthread workers ×
4 threads each, `gunicorn.conf.py`) — one on the primary only, one with
`GEOCOOP_READ_DATABASE_URLS` = the standby — and Debian's Varnish 7.1 in front of the
latter with `deploy/varnish.vcl`. Everything on one 2-core machine shared with other work
(the load generator included): ratios within a run mean more than absolute figures.

The read mix is the load benchmark's (`benchmarks/bench_load.py`): bbox pages of
communes and cooperations, vector tiles at zoom 9, white-zone and coverage analyses
({len(READS)} URLs in turn), {args.clients} keep-alive clients for {args.seconds:g} s per row.

| run | requests | req/s | vs baseline | p50 ms | p95 ms | errors |
|---|---|---|---|---|---|---|
{table}

- **Reads routed**: with no standby configured the answers said
  `X-Geocoop-Database` {json.dumps(figures["served_alone"])}; with the standby,
  {json.dumps(figures["served_routed"])} ({len(READS)} URLs × 5 passes).
- **A write visible on the standby** (a committed `INSERT` on the primary, then polling
  the standby until it reads the row), 20 times: min {figures["lag_ms"]["min"]} ms,
  median {figures["lag_ms"]["median"]} ms, max {figures["lag_ms"]["max"]} ms. The embedded
  cluster commits with `synchronous_commit = off`, so a commit reaches the WAL (and the
  standby) when the WAL writer flushes, every `wal_writer_delay` (200 ms): that, not the
  streaming, is most of this lag.
- **Varnish hit ratio** over the cached run: {figures["hit_ratio"]:.1%}
  ({figures["hits"]:,} hits, {figures["misses"]:,} misses; `varnishstat` MAIN.cache_hit /
  cache_miss). Each URL is fetched from gunicorn once per `s-maxage` (300 s).
- **Standby stopped mid-run** (`pg_ctl stop -m fast` a third of the way through): see the
  errors column of the last row; afterwards every answer said
  {json.dumps(figures["served_after_stop"])}.
""",
        "Run of `bench_cache`",
    )
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
