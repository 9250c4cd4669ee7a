#!/usr/bin/env python3
"""Vector tiles of the wide layers on all of France, against a narrow layer as baseline.

The national database of `bench_gis_clients` (built once, or reused with
GEOCOOP_BENCH_PGDATA): every tile covering an area is rendered by the same core function
the `/tiles/…` endpoint calls on a cache miss (`features.tiles.render_tile`: the named SQL,
bare, on an open connection), three times, interleaved with its baseline so that both see
the same machine load; medians per tile are summed. Pairs (same geometries each side):
- `coverage-wide` (one attribute per kind) against `coverage-pat` (one kind), over
  metropolitan France at zoom 5 (their minimum), Bretagne at 8 and Rennes at 10;
- `coverage-wide-departements|epci|regions` (a share per kind from the stored roll-ups,
  the communes counted per territory in the tile) against the territory tiles
  `departements`, `epci`, `regions` over metropolitan France at zoom 5.
Writes docs/performance-tiles-wide.md.

    GEOCOOP_BENCH_PGDATA=/tmp/gis-pg .venv/bin/python -m benchmarks.bench_wide_tiles
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_gis_clients import BRETAGNE, METRO, NATIONAL, RENNES, prepare
from benchmarks.sections import write_run

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "performance-tiles-wide.md"
REPEAT = 3
PAIRS = (  # (wide layer, baseline, area name, bbox, zoom)
    ("coverage-wide", "coverage-pat", "France", METRO, 5),
    ("coverage-wide", "coverage-pat", "Bretagne", BRETAGNE, 8),
    ("coverage-wide", "coverage-pat", "Rennes", RENNES, 10),
    ("coverage-wide-departements", "departements", "France", METRO, 5),
    ("coverage-wide-epci", "epci", "France", METRO, 5),
    ("coverage-wide-regions", "regions", "France", METRO, 5),
)


def tiles_over(bbox: tuple[float, float, float, float], z: int) -> list[tuple[int, int, int]]:
    """Every Web Mercator tile of zoom `z` that `bbox` (W, S, E, N in degrees) touches."""

    def column(lon: float) -> int:
        return int((lon + 180) / 360 * (1 << z))

    def row(lat: float) -> int:
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2
        return int(y * (1 << z))

    west, south, east, north = bbox
    return [
        (z, x, y)
        for x in range(column(west), column(east) + 1)
        for y in range(row(north), row(south) + 1)
    ]


def measure(conn, pair) -> dict:
    """Medians per tile of the wide layer and its baseline, interleaved; bytes and features."""
    from geocoop.features.registry import get_collection
    from geocoop.features.tiles import render_tile

    wide_id, base_id, _area, bbox, z = pair
    wide, base = get_collection(wide_id), get_collection(base_id)
    tiles = tiles_over(bbox, z)
    seconds: dict[str, list[list[float]]] = {wide_id: [], base_id: []}
    sizes = {wide_id: 0, base_id: 0}
    for _round in range(REPEAT):
        for collection in (wide, base):
            times = []
            for z_, x, y in tiles:
                started = time.perf_counter()
                data = render_tile(conn, collection, z_, x, y)
                times.append(time.perf_counter() - started)
                if _round == 0:
                    sizes[collection.id] += len(data)
            seconds[collection.id].append(times)
    medians = {
        cid: [statistics.median(r[i] for r in rounds) for i in range(len(tiles))]
        for cid, rounds in seconds.items()
    }
    return {
        "tiles": len(tiles),
        "wide_s": sum(medians[wide_id]),
        "base_s": sum(medians[base_id]),
        "wide_max_s": max(medians[wide_id]),
        "base_max_s": max(medians[base_id]),
        "wide_kb": sizes[wide_id] / 1024,
        "base_kb": sizes[base_id] / 1024,
    }


def report(rows: list[tuple], load: float) -> str:
    """The Markdown page."""
    lines = [
        "# Vector tiles of the wide layers",
        "",
        "Measured by `benchmarks/bench_wide_tiles.py` on all of France as the README loads it "
        "(34 871 communes; tiers-lieux, France services and PAT have data, the other seven "
        "kinds none), on this 2-core machine shared with other jobs (load average "
        f"{load:.1f} at the start). Each tile is rendered by `features.tiles.render_tile` (what "
        "`/tiles/…` runs on a cache miss: the named SQL, bare, on an open connection), "
        f"{REPEAT} times interleaved with its baseline; medians per tile, summed over every "
        "tile covering the area. Baseline: a narrow layer with the same geometries, in the "
        "same run.",
        "",
        "| layer | baseline | area, zoom | tiles | wide: total (slowest tile) | "
        "baseline: total (slowest tile) | ratio | wide / baseline KiB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (wide_id, base_id, area, _bbox, z), m in rows:
        ratio = m["wide_s"] / m["base_s"] if m["base_s"] else float("nan")
        lines.append(
            f"| `{wide_id}` | `{base_id}` | {area}, z{z} | {m['tiles']} | "
            f"{m['wide_s'] * 1000:,.0f} ms ({m['wide_max_s'] * 1000:,.0f} ms) | "
            f"{m['base_s'] * 1000:,.0f} ms ({m['base_max_s'] * 1000:,.0f} ms) | "
            f"{ratio:.2f}× | {m['wide_kb']:,.0f} / {m['base_kb']:,.0f} |"
        )
    lines += [
        "",
        "Tiles are then cached per data version in the process and shared-cacheable "
        "(`?v=` URLs are `immutable`): these are cache-miss costs, paid once per tile and "
        "data version.",
        "",
        "Reproduce: `GEOCOOP_BENCH_PGDATA=/tmp/gis-pg .venv/bin/python -m "
        "benchmarks.bench_wide_tiles` (builds the national database once, as "
        "`bench_gis_clients` does, and keeps it there).",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    from geocoop.config import load_settings
    from geocoop.db import make_engine
    from geocoop.embedded import EmbeddedCluster

    keep = os.environ.get("GEOCOOP_BENCH_PGDATA")
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="wide-", dir="/tmp"))
    cluster = EmbeddedCluster(folder, NATIONAL, fast=True)
    cluster.start()
    try:
        prepare(cluster)
        load = os.getloadavg()[0]
        engine = make_engine(cluster.url(NATIONAL), load_settings({"pool_size": 1}))
        rows = []
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for pair in PAIRS:
                rows.append((pair, measure(conn, pair)))
                print(pair[:3], rows[-1][1], flush=True)
        engine.dispose()
    finally:
        if not keep:
            cluster.stop()
            shutil.rmtree(folder, ignore_errors=True)
    text = report(rows, load)
    print(text)
    write_run(OUT, text, "Run of `bench_wide_tiles`")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
