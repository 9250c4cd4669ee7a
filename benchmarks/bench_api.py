#!/usr/bin/env python3
"""Data API throughput against pygeoapi, and tile latency against bare ST_AsMVT SQL.

Provisions a throw-away PostGIS cluster in /tmp, loads the bundled real data (Bretagne +
La Réunion, the same pipeline as `make demo`), then in the same run:

1. items: bbox queries returning about a hundred communes (limit=100), geocoop's
   `/api/features/collections/communes/items` against pygeoapi's PostgreSQL provider on the
   same rows (a view over the same table with the same columns), both served by gunicorn
   with the same number of sync workers, loaded by the same concurrent client;
2. tiles: median latency of `/tiles/communes/{z}/{x}/{y}.mvt` over HTTP (first request of
   each tile, i.e. uncached, then cached) against the same SQL executed directly.

pygeoapi is not a dependency of geocoop: install it in a separate virtualenv and pass its
Python, e.g.

    python3 -m venv /tmp/pgvenv && /tmp/pgvenv/bin/pip install pygeoapi psycopg2-binary \
        geoalchemy2 pygeofilter gunicorn
    .venv/bin/python -m benchmarks.bench_api --pygeoapi-python /tmp/pgvenv/bin/python

Writes docs/performance-api.md: this run first, earlier runs and notes kept (use --no-write to
only print).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks.gunicorn_server import free_port
from benchmarks.sections import push_run_file, replace_marked, run_heading
from geocoop.config import load_settings
from geocoop.db import make_engine, upgrade
from geocoop.embedded import EmbeddedCluster
from geocoop.features.tiles import DETAIL_ZOOM
from geocoop.orchestration import load_bundled
from geocoop.sql import statement

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "docs" / "performance-api.md"
# the section bench_gis_clients writes into OUT; this benchmark's rewrite keeps it
SECTION_START = "<!-- bench_gis_clients: start -->"
SECTION_END = "<!-- bench_gis_clients: end -->"


def section_of(text_: str) -> str:
    """The marked section of a report (empty when absent)."""
    start_at, end_at = text_.find(SECTION_START), text_.find(SECTION_END)
    if start_at < 0 or end_at < start_at:
        return ""
    return text_[start_at : end_at + len(SECTION_END)] + "\n"


def replace_section(path: Path, section: str) -> None:
    """Write `section` into `path` in place of its marked section, or at its end."""
    replace_marked(path, section_of(section), SECTION_START, SECTION_END)


BRETAGNE = ("22", "29", "35", "56")
REPEAT = 3  # each tile measured three times each way, median kept
VIEW = """
CREATE OR REPLACE VIEW bench_communes AS
SELECT code, name, population, population_year, area_km2, vintage, region_code,
       departement_code, epci_code, postcodes, geom
FROM territory WHERE level = 'commune'
"""


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer: {url}")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def load(urls: list[str], concurrency: int) -> dict:
    """Run every URL once with `concurrency` client threads: throughput and latencies."""
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(urls)

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                url = queue.pop()
            start = time.perf_counter()
            fetch(url)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


def bboxes(engine, count: int, seed: int = 7) -> list[tuple[float, float, float, float]]:
    """Boxes of 0.6° × 0.4° centred on random Breton communes (about 100 communes each)."""
    with engine.connect() as conn:
        points = conn.execute(
            text(
                "SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) "
                "FROM territory WHERE level = 'commune' AND departement_code = ANY(:d) "
                "ORDER BY code"
            ),
            {"d": list(BRETAGNE)},
        ).all()
    rng = random.Random(seed)
    picked = [points[rng.randrange(len(points))] for _ in range(count)]
    return [(x - 0.3, y - 0.2, x + 0.3, y + 0.2) for x, y in picked]


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def bretagne_tiles(z: int) -> list[tuple[int, int, int]]:
    x0, y0 = tile_of(-4.8, 48.8, z)
    x1, y1 = tile_of(-1.1, 47.3, z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def pygeoapi_config(path: Path, url: str, db_url: str) -> None:
    parsed = make_url(db_url)
    data = {
        "host": parsed.query.get("host") or parsed.host or "localhost",
        "port": parsed.port or 5432,
        "dbname": parsed.database,
        "user": parsed.username,
        "password": parsed.password or "",
        "search_path": ["public"],
    }
    contact = dict.fromkeys(
        (
            "name",
            "position",
            "address",
            "city",
            "stateorprovince",
            "postalcode",
            "country",
            "phone",
            "fax",
            "email",
            "url",
            "hours",
            "instructions",
        ),
        "x",
    )
    contact["role"] = "pointOfContact"
    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": 0},
            "url": url,
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "language": "en-US",
            "pretty_print": False,
            "limits": {"default_items": 100, "max_items": 10000},
            "map": {"url": "http://127.0.0.1/{z}/{x}/{y}.png", "attribution": "none"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "bench",
                "description": "bench",
                "keywords": ["x"],
                "keywords_type": "theme",
                "terms_of_service": "x",
                "url": url,
            },
            "license": {"name": "x", "url": url},
            "provider": {"name": "x", "url": url},
            "contact": contact,
        },
        "resources": {
            "communes": {
                "type": "collection",
                "title": "Communes",
                "description": "Communes",
                "keywords": ["communes"],
                "extents": {
                    "spatial": {
                        "bbox": [-180, -90, 180, 90],
                        "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                    }
                },
                "providers": [
                    {
                        "type": "feature",
                        "name": "PostgreSQL",
                        "data": data,
                        "id_field": "code",
                        "table": "bench_communes",
                        "geom_field": "geom",
                    }
                ],
            }
        },
    }
    path.write_text(json.dumps(config), encoding="utf-8")  # JSON is valid YAML


def start(cmd: list[str], env: dict, cwd: Path, log: Path) -> subprocess.Popen:
    handle = open(log, "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(cmd, env=env, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pygeoapi-python", required=True, help="python of pygeoapi's venv")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="geocoop-bench-api-", dir="/tmp"))
    cluster = EmbeddedCluster(work / "pg", "bench_api", fast=True)
    processes: list[subprocess.Popen] = []
    try:
        cluster.start()
        db_url = cluster.url("bench_api")
        engine = make_engine(db_url, load_settings({"pool_size": 2}))
        upgrade(engine)
        print("loading the bundled data…", flush=True)
        for line in load_bundled(engine, ROOT / "data"):
            print("  ", line, flush=True)
        with engine.begin() as conn:
            conn.execute(text(VIEW))
            communes = conn.execute(
                text("SELECT count(*) FROM territory WHERE level = 'commune'")
            ).scalar_one()

        ours_port, theirs_port = free_port(), free_port()
        ours, theirs = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{theirs_port}"
        env = {**os.environ, "GEOCOOP_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        common = ["-w", str(args.workers), "-k", "sync", "--log-level", "warning"]
        processes.append(
            start(
                [gunicorn, *common, "-b", f"127.0.0.1:{ours_port}", "geocoop.web:create_app()"],
                env,
                work,
                work / "geocoop.log",
            )
        )
        config = work / "pygeoapi.yml"
        pygeoapi_config(config, theirs, db_url)
        venv_bin = Path(args.pygeoapi_python).parent
        subprocess.run(
            [
                str(venv_bin / "pygeoapi"),
                "openapi",
                "generate",
                str(config),
                "--output-file",
                str(work / "openapi.yml"),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PYGEOAPI_CONFIG": str(config)},
        )
        penv = {
            **os.environ,
            "PYGEOAPI_CONFIG": str(config),
            "PYGEOAPI_OPENAPI": str(work / "openapi.yml"),
        }
        penv.pop("PYTHONPATH", None)
        processes.append(
            start(
                [
                    str(venv_bin / "gunicorn"),
                    *common,
                    "-b",
                    f"127.0.0.1:{theirs_port}",
                    "pygeoapi.flask_app:APP",
                ],
                penv,
                work,
                work / "pygeoapi.log",
            )
        )
        wait_http(f"{ours}/api/features/")
        wait_http(f"{theirs}/collections/communes")

        boxes = bboxes(engine, args.requests)
        ours_urls = [
            f"{ours}/api/features/collections/communes/items?limit=100&bbox="
            + ",".join(f"{v:.5f}" for v in b)
            for b in boxes
        ]
        theirs_urls = [
            f"{theirs}/collections/communes/items?f=json&limit=100&bbox="
            + ",".join(f"{v:.5f}" for v in b)
            for b in boxes
        ]
        # same answers: compare the ids of a few pages
        returned = []
        for mine, other in list(zip(ours_urls, theirs_urls, strict=True))[:10]:
            a = json.loads(fetch(mine))
            b = json.loads(fetch(other))
            assert sorted(f["id"] for f in a["features"]) == sorted(
                str(f["id"]) for f in b["features"]
            ), "geocoop and pygeoapi disagree"
            returned.append(a["numberReturned"])
        load(ours_urls[:40], args.concurrency)  # warm-up both
        load(theirs_urls[:40], args.concurrency)
        items = {
            "geocoop": load(ours_urls, args.concurrency),
            "pygeoapi": load(theirs_urls, args.concurrency),
        }
        ratio = items["geocoop"]["rps"] / items["pygeoapi"]["rps"]

        # tiles: one worker, so the second pass hits the cache that the first pass filled
        stop(processes.pop(0))
        tiles_port = free_port()
        tiles_base = f"http://127.0.0.1:{tiles_port}"
        processes.append(
            start(
                [
                    gunicorn,
                    "-w",
                    "1",
                    "-k",
                    "sync",
                    "--log-level",
                    "warning",
                    "-b",
                    f"127.0.0.1:{tiles_port}",
                    "geocoop.web:create_app()",
                ],
                env,
                work,
                work / "geocoop-tiles.log",
            )
        )
        wait_http(f"{tiles_base}/tiles/")
        floor = []
        for _ in range(100):
            start_t = time.perf_counter()
            fetch(f"{tiles_base}/api/features/conformance")
            floor.append(time.perf_counter() - start_t)
        floor_ms = statistics.median(floor) * 1000
        tiles_results = {}
        for z in (7, 8, 9, 11):
            addresses = bretagne_tiles(z)
            sql = statement("features/tile_territories")
            bare, first, cached, sizes = [], [], [], []
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                conn.commit()
                for zz, x, y in addresses:
                    params = {
                        "z": zz,
                        "x": x,
                        "y": y,
                        "layer": "communes",
                        "detail_zoom": DETAIL_ZOOM,
                        "level": "commune",
                    }
                    url = f"{tiles_base}/tiles/communes/{zz}/{x}/{y}.mvt"
                    runs = []
                    for _ in range(REPEAT):
                        start_t = time.perf_counter()
                        conn.execute(sql, params).scalar_one()
                        runs.append(time.perf_counter() - start_t)
                    bare.append(statistics.median(runs))
                    runs = []
                    for _ in range(REPEAT):
                        # a new data version empties the server's tile cache: a true miss
                        conn.execute(text("SELECT nextval('geocoop_data_version')"))
                        conn.commit()
                        start_t = time.perf_counter()
                        body = fetch(url)
                        runs.append(time.perf_counter() - start_t)
                    first.append(statistics.median(runs))
                    sizes.append(len(body))
                    runs = []
                    for _ in range(REPEAT):
                        start_t = time.perf_counter()
                        fetch(url)
                        runs.append(time.perf_counter() - start_t)
                    cached.append(statistics.median(runs))
            tiles_results[z] = {
                "tiles": len(addresses),
                "median_kb": statistics.median(sizes) / 1024,
                "bare_ms": statistics.median(bare) * 1000,
                "http_ms": statistics.median(first) * 1000,
                "cached_ms": statistics.median(cached) * 1000,
            }
        report = render(
            args, communes, statistics.mean(returned), items, ratio, tiles_results, floor_ms
        )
        print(report)
        if not args.no_write:
            # this run first; earlier runs, notes by hand and bench_gis_clients' section kept
            push_run_file(OUT, report, "# Data API performance")
            print(f"written: {OUT}")
        engine.dispose()
        return 0
    finally:
        for process in processes:
            stop(process)
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


def render(
    args, communes: int, returned: float, items: dict, ratio: float, tiles: dict, floor: float
) -> str:
    cpu = os.cpu_count()
    lines = [
        run_heading("Run of `bench_api`"),
        "",
        "Measured by `benchmarks/bench_api.py` in one run on this machine "
        f"({cpu} cores), on the bundled real data ({communes} communes: Bretagne + "
        "La Réunion), PostgreSQL + PostGIS in a throw-away cluster on the same machine.",
        "",
        "### Items: bbox queries, geocoop vs pygeoapi",
        "",
        f"{args.requests} different bboxes of 0.6° × 0.4° centred on random Breton communes, "
        f"`limit=100` (on average {returned:.0f} features returned per page), GeoJSON in "
        "CRS84, no compression. Both servers: gunicorn, "
        f"{args.workers} sync workers, same database; the client runs {args.concurrency} "
        "concurrent connections. pygeoapi uses its PostgreSQL provider on a view with the "
        "same columns as geocoop's `communes` collection; the first pages of both were "
        "checked to hold the same features.",
        "",
        "| server | requests/s | median ms | p95 ms |",
        "|---|---|---|---|",
    ]
    for name, result in items.items():
        if result:
            lines.append(
                f"| {name} | {result['rps']:.1f} | {result['median_ms']:.1f} | "
                f"{result['p95_ms']:.1f} |"
            )
    verdict = "met" if ratio >= 3 else "NOT met"
    lines += [
        "",
        f"**Throughput ratio geocoop / pygeoapi: {ratio:.1f}×** (target ≥ 3×: {verdict}).",
        "",
        "Why: geocoop has PostGIS build each Feature as JSON text (`json_build_object` + "
        "`ST_AsGeoJSON`) and only joins strings in Python, and counts matches only when the "
        "page is full (capped at 50,000); pygeoapi runs a `COUNT` per request, loads ORM "
        "objects, converts every geometry through shapely and serialises in Python.",
        "",
        "### Tiles: `/tiles/communes/{z}/{x}/{y}.mvt` vs bare `ST_AsMVT`",
        "",
        "Every tile covering Bretagne at the zoom, each measured three ways, three times "
        "(median kept), interleaved so that both sides see the same machine load: bare SQL "
        "= the same statement (`geocoop/features/sql/tile_territories.sql`) executed "
        "directly on an open connection; HTTP uncached = one gunicorn worker, sequential "
        "client, after bumping the data version (a true cache miss: version read + SQL + "
        "response); HTTP cached = the same tile again (cache hit). Medians over tiles.",
        "",
        "| zoom | tiles | median tile KB | bare SQL median ms | HTTP uncached median ms "
        "| ratio | overhead ms | HTTP cached median ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for z, r in tiles.items():
        lines.append(
            f"| {z} | {r['tiles']} | {r['median_kb']:.1f} | {r['bare_ms']:.2f} | "
            f"{r['http_ms']:.2f} | {r['http_ms'] / r['bare_ms']:.2f}× | "
            f"{r['http_ms'] - r['bare_ms']:.2f} | {r['cached_ms']:.2f} |"
        )
    worst = max(r["http_ms"] / r["bare_ms"] for r in tiles.values())
    lines += [
        "",
        f"Worst uncached ratio {worst:.2f}× (target ≤ 1.3×: "
        f"{'met' if worst <= 1.3 else 'NOT met'}). Below zoom {DETAIL_ZOOM} tiles use the "
        "stored generalised boundaries, from zoom 10 the full ones.",
        "",
        f"The floor of any HTTP request on this server (GET `/api/features/conformance`, no "
        f"database) is {floor:.2f} ms median: new TCP connection, gunicorn sync worker, "
        "Flask, security headers. A tile adds the data-version read (one round trip after "
        "the pool's liveness ping) and, on a miss, the SQL. For small tiles that cost about "
        "a millisecond of SQL, that fixed cost, not the tile, dominates the ratio; the "
        "overhead over bare SQL (uncached minus bare) is what the code can act on.",
        "",
        "Reproduce: see the docstring of `benchmarks/bench_api.py` (pygeoapi is installed in "
        "a separate virtualenv, never as a geocoop dependency).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
