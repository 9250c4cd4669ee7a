#!/usr/bin/env python3
"""What people wait on, on all of France.

Territory summaries, panel data, commune lists, explanations, white-zone lists, the printable fiche
and the map's live filters.

Builds a national database once (all communes of France by the boundaries loader, the real
tiers-lieux, France services and PAT lists by the cooperation importer, then the stored
analysis), then asks each endpoint through Flask's test client (server side only: no HTTP,
no browser), with `/healthz` measured in the same run as the floor:
- cold: the in-process caches of the map's JSON and of the analysis API emptied before
  each request (what the first visitor after a data change waits for);
- warm: the same request again.
p50/p95 over every sample of each endpoint (several territories per endpoint, each asked
REPEAT times). Writes docs/performance-interactive.md: this run first, the previous one
moved under « Earlier runs », every other section kept (benchmarks/sections.py push_run).

    .venv/bin/python -m benchmarks.bench_interactive
    GEOCOOP_BENCH_PGDATA=/tmp/speed-pg .venv/bin/python -m benchmarks.bench_interactive
        # reuse (or build once, then keep) a cluster in that folder
    GEOCOOP_BENCH_ONLY=panel,fiche .venv/bin/python -m benchmarks.bench_interactive
        # only those families (and the floor)
    GEOCOOP_BENCH_STORM=40 .venv/bin/python -m benchmarks.bench_interactive
        # then the same endpoints under an upload storm of 40 uploads

The storm phase (GEOCOOP_BENCH_STORM=N uploads) is benchmarks/bench_storm.py with
`--mix interactive` on a copy of this database: a real gunicorn and one job writer, the
endpoints above asked over HTTP idle, then while N clients post a 2,000-row file at once;
p50/p95 per family idle and during the storm, same run, in the « Under an upload storm »
section of docs/performance-interactive.md (GEOCOOP_BENCH_STORM_ARGS adds options, e.g.
"--idle-seconds 60 --readers 2").
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from benchmarks.sections import push_run_file, run_heading

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "docs" / "performance-interactive.md"
TITLE = "# Interactive answers (all of France)"
DB = "geocoop"
REPEAT = int(os.environ.get("GEOCOOP_BENCH_REPEAT", "5"))
# e.g. GEOCOOP_BENCH_ONLY=panel,fiche: only those families (the floor is always measured)
ONLY = {f for f in os.environ.get("GEOCOOP_BENCH_ONLY", "").split(",") if f}
STORM = int(os.environ.get("GEOCOOP_BENCH_STORM", "0"))  # uploads of the storm phase; 0: none
TARGETS = {"summary": 0.3, "panel": 0.3, "list": 0.3, "explain": 0.3, "fiche": 1.0, "filter": 1.0}


def build(engine) -> dict:
    """All of France: boundaries, the three real cooperation lists, the stored analysis."""
    from geocoop.analysis.api import refresh_all
    from geocoop.ingest.boundaries import ingest_boundaries
    from geocoop.ingest.boundaries_bundled import VINTAGE, bundled_paths
    from geocoop.ingest.cooperations import import_cooperations

    coops = DATA / "cooperations"
    timings = {}
    start = time.perf_counter()
    with engine.begin() as conn:
        ingest_boundaries(conn, bundled_paths(DATA), vintage=VINTAGE, progress=False)
    timings["boundaries"] = time.perf_counter() - start
    with engine.begin() as conn:
        import_cooperations(
            conn, coops / "tiers-lieux-cget-2019" / "CGET_TiersLieux_2019.csv", kind="tiers_lieu"
        )
        import_cooperations(
            conn, coops / "france-services" / "liste-fs-20240801.csv", kind="france_services"
        )
        import_cooperations(
            conn,
            coops / "pat-france-2025" / "pats-axe-gouvernance-20250710-win1252.csv",
            kind="pat",
            mapping=ROOT / "data" / "mappings" / "pat-france-2025.yaml",
            allow_join=True,
        )
    start = time.perf_counter()
    with engine.begin() as conn:
        refresh_all(conn)
    timings["refresh_all"] = time.perf_counter() - start
    return timings


def endpoints(conn) -> list[tuple[str, str, list[str]]]:
    """(family, label, URLs): several territories per endpoint, chosen deterministically."""

    def codes(sql: str) -> list[str]:
        return [r[0] for r in conn.execute(text(sql))]

    epci = ["200065928", *codes(
        "SELECT code FROM territory WHERE level = 'epci' ORDER BY population DESC NULLS LAST "
        "LIMIT 2")]  # fmt: skip
    deps = codes("SELECT code FROM territory WHERE level = 'departement' AND code IN "
                 "('35', '13', '2A', '974')")  # fmt: skip
    regions = ["53", "84", "11"]
    communes = codes(
        "SELECT code FROM territory WHERE level = 'commune' AND code IN "
        "('35238', '13055', '29019', '97411', '48095')"
    )
    api = "/api/analysis"
    out = [
        ("floor", "/healthz", ["/healthz"]),
        ("summary", "summary EPCI", [f"{api}/territories/epci/{c}" for c in epci]),
        ("summary", "summary département", [f"{api}/territories/departement/{c}" for c in deps]),
        ("summary", "summary région", [f"{api}/territories/region/{c}" for c in regions]),
        ("summary", "summary France", [f"{api}/territories/france/FR"]),
        ("list", "children of a région (départements)",
         [f"{api}/territories/region/{c}/coverage" for c in regions]),
        ("list", "children of France (régions)", [f"{api}/territories/france/FR/coverage"]),
        ("list", "communes of a département",
         [f"{api}/coverage?level=commune&parent={c}" for c in deps]),
        ("list", "EPCI of France", [f"{api}/coverage?level=epci"]),
        ("list", "white zones of a département",
         [f"{api}/white-zones?kind=tiers_lieu&parent={c}" for c in deps]),
        ("explain", "explain a commune",
         [f"{api}/communes/{c}/explain?kind={k}" for c in communes
          for k in ("tiers_lieu", "pat")]),
        ("panel", "panel commune", [f"/api/maps/territory/{c}" for c in communes[:3]]),
        ("panel", "panel EPCI", [f"/api/maps/territory/{c}" for c in epci]),
        ("panel", "panel département", [f"/api/maps/territory/{c}?level=departement"
                                        for c in deps]),
        ("panel", "panel région", [f"/api/maps/territory/{c}?level=region" for c in regions]),
        ("fiche", "fiche EPCI", [f"/territoires/{c}" for c in epci]),
        ("fiche", "fiche commune", [f"/territoires/{c}" for c in communes[:3]]),
        ("fiche", "fiche région", [f"/territoires/{c}?level=region" for c in regions[:2]]),
    ]  # fmt: skip
    cov = "/api/maps/coverage?level="
    for level in ("region", "departement", "epci"):
        out += [
            ("filter", f"choropleth {level}, stored", [f"{cov}{level}"]),
            ("filter", f"choropleth {level}, other rule",
             [f"{cov}{level}&rule=distance", f"{cov}{level}&rule=perimeter"]),
            ("filter", f"choropleth {level}, distance ≤ 100 km",
             [f"{cov}{level}&distance_km={d}" for d in (5, 40, 100)]),
            ("filter", f"choropleth {level}, stage/category/model",
             [f"{cov}{level}&stage=emergence", f"{cov}{level}&category=modelisee",
              f"{cov}{level}&model=marchande", f"{cov}{level}&stage=operationnelle&kinds=pat"]),
            ("filter", f"choropleth {level}, filter + distance + rule",
             [f"{cov}{level}&stage=emergence&distance_km=40&rule=distance"]),
        ]  # fmt: skip
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p * (len(ordered) - 1))))
    return ordered[k]


def measure(app, urls: list[str]) -> tuple[list[float], list[float], set[int]]:
    """(cold seconds, warm seconds, statuses) over REPEAT rounds of every URL."""
    from geocoop.features.cache import VersionedCache

    client = app.test_client()
    cold, warm, statuses = [], [], set()
    for _ in range(REPEAT):
        for url in urls:
            # what the first visitor after a data change finds: nothing kept
            app.extensions["geocoop.maps.cache"] = VersionedCache(max_entries=512)
            app.extensions["geocoop.analysis.cache"] = VersionedCache(max_entries=512)
            for bucket in (cold, warm):
                start = time.perf_counter()
                response = client.get(url, headers={"Accept-Encoding": "gzip"})
                response.get_data()
                bucket.append(time.perf_counter() - start)
                statuses.add(response.status_code)
    return cold, warm, statuses


def run(url: str, timings: dict) -> str:
    from geocoop.db import make_engine
    from geocoop.web import create_app

    app = create_app({"database_url": url, "statement_timeout_ms": 60000, "pool_size": 2})
    engine = make_engine(url)
    with engine.connect() as conn:
        plan = endpoints(conn)
        sizes = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM territory WHERE level = 'commune'), "
                "(SELECT count(*) FROM cooperation), "
                "(SELECT count(*) FROM analysis_commune_kind)"
            )
        ).one()
    engine.dispose()
    load = os.getloadavg()[0]
    rows = []
    for family, label, urls in plan:
        if ONLY and family != "floor" and family not in ONLY:
            continue
        cold, warm, statuses = measure(app, urls)
        line = (
            family,
            label,
            len(urls),
            1000 * statistics.median(cold),
            1000 * percentile(cold, 0.95),
            1000 * statistics.median(warm),
            1000 * percentile(warm, 0.95),
            sorted(statuses),
        )
        rows.append(line)
        print(
            f"{label:48s} cold p50 {line[3]:8.1f} p95 {line[4]:8.1f}  "
            f"warm p50 {line[5]:8.1f} p95 {line[6]:8.1f} ms  {line[7]}",
            flush=True,
        )
    load_end = os.getloadavg()[0]
    table = [
        "| family | endpoint | URLs | cold p50 ms | cold p95 ms | warm p50 ms | warm p95 ms "
        "| target (p95) | met (cold) | statuses |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for family, label, n, c50, c95, w50, w95, statuses in rows:
        target = TARGETS.get(family)
        met = "" if target is None else ("yes" if c95 <= 1000 * target else "**no**")
        target_s = "floor" if target is None else f"≤ {1000 * target:.0f} ms"
        table.append(
            f"| {family} | {label} | {n} | {c50:.1f} | {c95:.1f} | {w50:.1f} | {w95:.1f} "
            f"| {target_s} | {met} | {', '.join(map(str, statuses))} |"
        )
    built = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()) or "reused"
    return "\n".join(
        [
            run_heading("Run of `bench_interactive`"),
            "",
            "`benchmarks/bench_interactive.py`: all communes of France "
            f"({sizes[0]:,} communes, {sizes[1]:,} cooperations: tiers-lieux, France services, "
            f"PAT; {sizes[2]:,} stored commune × kind rows), each endpoint asked through "
            f"Flask's test client (server side, no HTTP), {REPEAT} rounds over every URL of "
            "the row; *cold* = the in-process caches of the map's JSON and of the analysis "
            "API emptied before the request, *warm* = the same request just after. The floor "
            "(`/healthz`) is measured in the same run. Database build: "
            f"{built}. Load average at the start / end of the run: {load:.1f} / "
            f"{load_end:.1f} (2 cores shared with other work).",
            "",
            *table,
            "",
        ]
    )


def main() -> int:
    if not DATA.is_dir():
        print(f"shared data absent ({DATA}): nothing measured")
        return 1
    from geocoop.config import load_settings
    from geocoop.db import make_engine, upgrade
    from geocoop.embedded import EmbeddedCluster

    keep = os.environ.get("GEOCOOP_BENCH_PGDATA")
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="gci-", dir="/tmp"))
    cluster = EmbeddedCluster(folder, DB, fast=True)
    fresh = not cluster.is_initialised()
    cluster.start()
    try:
        url = cluster.url(DB)
        engine = make_engine(url, load_settings({"pool_size": 2, "statement_timeout_ms": 600000}))
        upgrade(engine)
        timings = {}
        with engine.connect() as conn:
            empty = not conn.execute(text("SELECT EXISTS (SELECT 1 FROM cooperation)")).scalar()
        if fresh or empty:
            timings = build(engine)
        engine.dispose()
        report = run(url, timings)
        push_run_file(OUT, report, TITLE)  # earlier runs and other sections kept
        print(f"wrote {OUT.relative_to(ROOT)}")
        if STORM:
            from benchmarks import bench_storm

            extra = os.environ.get("GEOCOOP_BENCH_STORM_ARGS", "").split()
            argv = ["--mix", "interactive", "--uploads", str(STORM), "--source-db", DB, *extra]
            bench_storm.main(argv, folder=folder)
    finally:
        if not keep:
            cluster.stop()
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
