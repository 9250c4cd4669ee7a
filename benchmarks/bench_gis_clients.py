#!/usr/bin/env python3
"""GDAL's OGC API – Features client on all of France, against the bundled data as baseline.

Builds (once, or reuses with GEOCOOP_BENCH_PGDATA) a national database the way a user loads
it (README « Loading all of France »: every boundary, the tiers-lieux, France services and
the 460 PAT with their mapping, one analysis) and, in the same cluster, the bundled data.
Both are served by gunicorn (2 sync workers) on loopback; each measure runs against both
in the same run, so the ratio national / bundled says what the size of France costs:
- `ogrinfo -ro -al -so OAPIF:…` on the whole service (every layer's fields and count);
- opening `coverage-departements` whole (`ogr2ogr` to GeoPackage), GDAL's default page
  size (10 before GDAL 3.8) and `-oo PAGE_SIZE=2000`;
- `ogrinfo` twice: the first right after the servers start (cold caches), then again;
- one bbox page of `white-zones-pat` and of `white-zones` over Rennes (the issue's box),
  one of `white-zones` over metropolitan France (HTTP, bytes and time), and the whole
  `white-zones-pat` layer;
- `coverage-pat` over Bretagne (what a QGIS 3.22 user loads with a bbox);
- QGIS 3.22 itself (benchmarks/qgis_probe.py run by Debian's python3, headless) opening
  `white-zones-pat` and `coverage-departements` and reading every feature;
- the wide one-row-per-commune layer `coverage-wide`, whole, with `-oo PAGE_SIZE=2000`.
Writes its section of docs/performance-api.md (between markers; bench_api keeps it).

    .venv/bin/python -m benchmarks.bench_gis_clients
    GEOCOOP_BENCH_PGDATA=/tmp/gis-national-pg .venv/bin/python -m benchmarks.bench_gis_clients
        # reuse (or build once, then keep) a cluster in that folder
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import text

from benchmarks.bench_api import (
    SECTION_END,
    SECTION_START,
    free_port,
    replace_section,
    start,
    stop,
    wait_http,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "docs" / "performance-api.md"  # its own section, kept by bench_api
NATIONAL, BUNDLED = "geocoop", "geocoop_bundled"
# Rennes and its surroundings (W, S, E, N), the issue's bbox
RENNES = (-1.85, 48.0, -1.5, 48.25)
BRETAGNE = (-5.2, 47.2, -1.0, 48.95)
METRO = (-5.2, 41.3, 9.6, 51.1)


def build_national(engine) -> dict:
    """All of France as the README loads it; returns the phases' seconds."""
    from geocoop.ingest.boundaries_bundled import VINTAGE, bundled_paths
    from geocoop.orchestration import (
        import_boundaries,
        import_national_lists,
        refresh_analysis,
    )

    timings = {}
    start_at = time.perf_counter()
    with engine.begin() as conn:
        import_boundaries(conn, bundled_paths(DATA), vintage=VINTAGE, progress=False)
    timings["boundaries"] = time.perf_counter() - start_at
    with engine.begin() as conn:
        import_national_lists(conn, DATA, ROOT / "data" / "mappings")
    start_at = time.perf_counter()
    with engine.begin() as conn:
        refresh_analysis(conn)
    timings["analysis"] = time.perf_counter() - start_at
    return timings


def prepare(cluster) -> dict:
    """Both databases migrated, loaded and with current summaries.

    Both databases migrated, loaded and with current summaries (a reused cluster built
    by an older checkout gets the summaries of the collections served now).
    """
    from geocoop.config import load_settings
    from geocoop.db import make_engine, upgrade
    from geocoop.features.summary import refresh_summaries, summaries_current
    from geocoop.orchestration import load_bundled

    timings: dict = {}
    settings = load_settings({"pool_size": 2, "statement_timeout_ms": 900_000})
    for name in (NATIONAL, BUNDLED):
        if name != NATIONAL:
            cluster.create_database(name)
        engine = make_engine(cluster.url(name), settings)
        upgrade(engine)
        with engine.connect() as conn:
            empty = not conn.execute(text("SELECT EXISTS (SELECT 1 FROM cooperation)")).scalar()
        if empty and name == NATIONAL:
            timings = build_national(engine)
        elif empty:
            for _line in load_bundled(engine, ROOT / "data"):
                pass
        with engine.begin() as conn:
            if not summaries_current(conn):
                started = time.perf_counter()
                refresh_summaries(conn)
                timings[f"summaries {name}"] = time.perf_counter() - started
        engine.dispose()
    return timings


def main() -> int:
    if not DATA.is_dir():
        print(f"shared data absent ({DATA}): nothing measured")
        return 1
    from geocoop.embedded import EmbeddedCluster

    keep = os.environ.get("GEOCOOP_BENCH_PGDATA")
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="gis-", dir="/tmp"))
    cluster = EmbeddedCluster(folder, NATIONAL, fast=True)
    cluster.start()
    try:
        timings = prepare(cluster)
        print("prepared", {k: round(v, 1) for k, v in timings.items()}, flush=True)
        if "--build-only" in sys.argv:
            return 0
        report = run(cluster, timings)
    finally:
        if not keep:
            cluster.stop()
            shutil.rmtree(folder, ignore_errors=True)
    print(report)
    replace_section(OUT, report)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


GDAL_ENV = {"GDAL_HTTP_TIMEOUT": "900", "CPL_DEBUG": "OFF", "PATH": "/usr/bin:/bin"}


def gdal(*args: str) -> float:
    """Seconds taken by one GDAL command (which must succeed)."""
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, timeout=1800, env=GDAL_ENV)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{args[:3]}: {done.stderr[-800:]}")
    return seconds


def copy_layer(base: str, layer: str, work: Path, *options: str) -> dict:
    """`ogr2ogr` of one whole OAPIF layer to a GeoPackage: seconds, features, MB."""
    import pyogrio

    out = work / f"{layer}.gpkg"
    out.unlink(missing_ok=True)
    seconds = gdal(
        "ogr2ogr", "-f", "GPKG", str(out), f"OAPIF:{base}/api/features/", layer, *options
    )
    count = pyogrio.read_info(out, layer=layer)["features"]
    return {"s": seconds, "features": count, "mb": out.stat().st_size / 1e6}


def page(base: str, path: str) -> dict:
    """One HTTP GET: seconds, MB, features."""
    import json

    started = time.perf_counter()
    with urllib.request.urlopen(base + path, timeout=600) as response:
        body = response.read()
    seconds = time.perf_counter() - started
    doc = json.loads(body)
    return {"s": seconds, "features": len(doc["features"]), "mb": len(body) / 1e6}


def bbox(box: tuple[float, ...]) -> str:
    return ",".join(str(v) for v in box)


# (label, what it runs) against one server; every one is run on both databases
def measures(work: Path) -> list[tuple[str, object]]:
    def whole_service(base: str) -> dict:
        return {"s": gdal("ogrinfo", "-ro", "-al", "-so", f"OAPIF:{base}/api/features/")}

    def layer(name: str, *options: str):
        return lambda base: copy_layer(base, name, work, *options)

    items = "/api/features/collections"
    return [
        ("`ogrinfo -ro -al -so` on the whole service, first after start", whole_service),
        ("`ogrinfo -ro -al -so` on the whole service, again", whole_service),
        ("`coverage-departements`, whole, default page size (10)", layer("coverage-departements")),
        (
            "`coverage-departements`, whole, `-oo PAGE_SIZE=2000`",
            layer("coverage-departements", "-oo", "PAGE_SIZE=2000"),
        ),
        (
            "`white-zones-pat`, bbox page over Rennes (HTTP, `limit=100`)",
            lambda base: page(base, f"{items}/white-zones-pat/items?bbox={bbox(RENNES)}&limit=100"),
        ),
        (
            "`white-zones`, bbox page over Rennes, all kinds (HTTP, `limit=100`)",
            lambda base: page(base, f"{items}/white-zones/items?bbox={bbox(RENNES)}&limit=100"),
        ),
        (
            "`white-zones`, bbox page over metropolitan France, all kinds (HTTP, `limit=100`)",
            lambda base: page(base, f"{items}/white-zones/items?bbox={bbox(METRO)}&limit=100"),
        ),
        ("`white-zones-pat`, whole, default page size", layer("white-zones-pat")),
        (
            "`coverage-pat` over Bretagne (`-spat`, `-oo PAGE_SIZE=2000`)",
            layer("coverage-pat", "-spat", *map(str, BRETAGNE), "-oo", "PAGE_SIZE=2000"),
        ),
        (
            "QGIS 3.22 opens `white-zones-pat` (every feature)",
            lambda b: qgis_open(b, "white-zones-pat"),
        ),
        (
            "QGIS 3.22 opens `coverage-departements` (every feature)",
            lambda b: qgis_open(b, "coverage-departements"),
        ),
        (
            "`coverage-wide`, whole, `-oo PAGE_SIZE=2000`",
            layer("coverage-wide", "-oo", "PAGE_SIZE=2000"),
        ),
        (
            "`coverage-wide-departements`, whole, default page size",
            layer("coverage-wide-departements"),
        ),
    ]


QGIS_PYTHON = "/usr/bin/python3"  # Debian's, with python3-qgis (QGIS 3.22)
PROBE = Path(__file__).resolve().parent / "qgis_probe.py"


def qgis_open(base: str, layer: str) -> dict:
    """QGIS's OAPIF provider, headless: seconds to open the layer and read it all.

    QGIS's OAPIF provider, headless: seconds to open the layer and read every feature
    (QGIS pages with the API's maximum page size), measured inside the QGIS process.
    """
    import json

    spec = {"oapif": [{"url": f"{base}/api/features/", "typename": layer, "values": []}]}
    done = subprocess.run(
        [QGIS_PYTHON, str(PROBE), json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=1800,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": "/tmp"},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"QGIS probe: {done.stderr[-800:]}")
    (opened,) = json.loads(done.stdout.strip().splitlines()[-1])["oapif"]
    if not opened["valid"]:
        raise RuntimeError(f"QGIS could not open {layer}: {opened}")
    return {"s": opened["seconds"], "features": opened["features_read"]}


def serve(cluster, name: str, work: Path):
    """Gunicorn (2 sync workers) on the database `name`; (process, base URL)."""
    port = free_port()
    env = {**os.environ, "GEOCOOP_DATABASE_URL": cluster.url(name), "PYTHONPATH": str(ROOT)}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "-w", "2", "-k", "sync", "--timeout", "900", "--log-level", "warning"]
    command += ["-b", f"127.0.0.1:{port}", "geocoop.web:create_app()"]
    process = start(command, env, work, work / f"{name}.log")
    base = f"http://127.0.0.1:{port}"
    wait_http(base + "/healthz")
    return process, base


def counts(cluster) -> dict:
    from sqlalchemy import create_engine

    found = {}
    for name in (NATIONAL, BUNDLED):
        engine = create_engine(cluster.url(name))
        with engine.connect() as conn:
            found[name] = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM territory WHERE level = 'commune'), "
                    "(SELECT count(*) FROM cooperation)"
                )
            ).one()
        engine.dispose()
    return found


def run(cluster, timings: dict) -> str:
    """Every measure on both servers, interleaved; the report (markdown)."""
    work = Path(tempfile.mkdtemp(prefix="gis-bench-", dir="/tmp"))
    processes = []
    try:
        bases = {}
        for name in (NATIONAL, BUNDLED):
            process, bases[name] = serve(cluster, name, work)
            processes.append(process)
        results = []
        for label, measure in measures(work):
            national = measure(bases[NATIONAL])
            bundled = measure(bases[BUNDLED])
            print(label, national, bundled, flush=True)
            results.append((label, national, bundled))
        return render(results, counts(cluster), timings)
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(work, ignore_errors=True)


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _cell(result: dict) -> str:
    parts = [f"{result['s']:.2f} s"]
    if "features" in result:
        parts.append(f"{_n(result['features'])} feat.")
    if "mb" in result:
        parts.append(f"{result['mb']:.2f} MB")
    return ", ".join(parts)


def render(results: list, found: dict, timings: dict) -> str:
    national, bundled = found[NATIONAL], found[BUNDLED]
    lines = [
        SECTION_START,
        "## GIS clients on all of France (GDAL's OAPIF driver, QGIS 3.22)",
        "",
        "Measured by `benchmarks/bench_gis_clients.py` in one run on this machine (2 cores, "
        f"shared with other jobs: load average {os.getloadavg()[0]:.1f} when the report was "
        "written), Debian's GDAL "
        f"{gdal_version()} (the client of Debian 12 and QGIS 3.22). Server: gunicorn, 2 sync "
        "workers, loopback. **National**: all of France as the README loads it "
        f"({_n(national[0])} communes, {_n(national[1])} cooperations: tiers-lieux 2019, "
        "France services 2024, the 460 PAT of 2025). **Baseline**: the bundled data "
        f"({_n(bundled[0])} communes, {_n(bundled[1])} cooperations), same server, same "
        "run, each measure run on both one after the other; ratio = national / baseline.",
        "",
        "| request | national | bundled (baseline) | ratio |",
        "|---|---|---|---|",
    ]
    for label, nat, bun in results:
        lines.append(f"| {label} | {_cell(nat)} | {_cell(bun)} | {nat['s'] / bun['s']:.1f}× |")
    lines += ["", *targets(results)]
    lines += [
        "",
        "Reproduce: `GEOCOOP_BENCH_PGDATA=/tmp/gis-pg .venv/bin/python -m "
        "benchmarks.bench_gis_clients` (builds the national database once and keeps it "
        "there: boundaries ~30 s, analysis ~3 min; QGIS figures need Debian's "
        "python3-qgis).",
    ]
    if timings:
        built = ", ".join(f"{k} {v:.0f} s" for k, v in timings.items())
        lines += ["", f"Building the national database in this run: {built}."]
    lines += ["", SECTION_END, ""]
    return "\n".join(lines)


def targets(results: list) -> list[str]:
    """The issue's targets (#16) against the national figures of this run."""
    national = {label: nat for label, nat, _bun in results}

    def find(start: str) -> dict:
        return next(v for k, v in national.items() if k.startswith(start))

    whole = find("`ogrinfo -ro -al -so` on the whole service, first")
    zones = find("`white-zones-pat`, whole")
    met = {True: "met", False: "NOT met"}
    return [
        f"Targets of issue 16 on all of France: `ogrinfo -al -so` on the whole service "
        f"{whole['s']:.1f} s (< 60 s: {met[whole['s'] < 60]}); the white zones of one kind "
        f"(`white-zones-pat`, whole) {zones['s']:.2f} s and {zones['mb']:.2f} MB (< 3 s and "
        f"< 5 MB: {met[zones['s'] < 3 and zones['mb'] < 5]}).",
        "",
        "Why these hold: every collection's count and extents are stored at write time "
        "(one read per layer, no recount); the roll-up layers (`coverage-departements`…) "
        "read the roll-ups stored at each refresh (`analysis_rollup`) instead of "
        "aggregating every commune per page; a page after the first fetches its ids, then "
        "builds GeoJSON for those rows only (PostgreSQL computes the select list of the "
        "rows an OFFSET skips: page 16 of all communes cost ten times page 1). GDAL < 3.8 "
        "asks 10 features per page unless told `-oo PAGE_SIZE=…`; QGIS pages with the "
        "API's maximum (2,000 for the polygon layers).",
    ]


def gdal_version() -> str:
    done = subprocess.run(["gdalinfo", "--version"], capture_output=True, text=True, check=False)
    return done.stdout.split(",")[0].replace("GDAL ", "").strip() or "?"


if __name__ == "__main__":
    sys.exit(main())
