#!/usr/bin/env python3
"""White-zone outlines on all of France: `geocoop_coverage_union` against `ST_Union`.

Provisions a throw-away PostGIS cluster in /tmp, loads every commune with the boundaries
loader (so `geom_simplified` is the exact coverage it builds), the real tiers-lieux and
France services points, refreshes the stored analysis, then dissolves the largest
tiers-lieu white zone both ways, three times each, in the same run:
- geocoop: `geocoop_coverage_union` (migration 0007, edge matching + ST_BuildArea);
- baseline: `ST_Union` of the same simplified polygons (what geocoop did before, and only
  up to 1,500 communes because of its cost).
Also times the whole `white_zones(kind="tiers_lieu", limit=20)` call with outlines.
Writes docs/performance-zones.md.

    .venv/bin/python -m benchmarks.bench_zones
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from sqlalchemy import text

from benchmarks.realdata import load_real_cooperations
from benchmarks.sections import write_run
from benchmarks.throwaway import throwaway_database
from geocoop.analysis import api
from geocoop.ingest.boundaries import ingest_boundaries
from geocoop.ingest.boundaries_bundled import VINTAGE, bundled_paths

ROOT = Path(__file__).resolve().parent.parent

DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "docs" / "performance-zones.md"
OUTLINE = "SELECT {union} AS g FROM territory WHERE level = 'commune' AND code = ANY(:codes)"
MEASURE = (
    "SELECT ST_Area(g::geography) / 1e6 AS km2, ST_NPoints(g) AS points, "
    "length(ST_AsGeoJSON(g, 5)) AS json_bytes FROM ({outline}) AS o"
)


def best_of(conn, sql: str, params: dict, runs: int = 3) -> tuple[float, object]:
    """(fastest seconds, result row) of `sql` run `runs` times."""
    best, row = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        row = conn.execute(text(sql), params).one()
        best = min(best, time.perf_counter() - start)
    return best, row


def timed(call):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main() -> int:
    if not DATA.is_dir():
        print(f"shared data absent ({DATA}): nothing measured")
        return 1
    with throwaway_database("gcz-") as (_cluster, engine):
        with engine.begin() as conn:
            ingest_boundaries(conn, bundled_paths(DATA), vintage=VINTAGE, progress=False)
            coops = load_real_cooperations(conn, DATA)
            api.refresh_all(conn)
        load = os.getloadavg()[0]
        with engine.connect() as conn:
            zone = api.white_zones(conn, kind="tiers_lieu", limit=1, with_geometry=False)[0]
            params = {"codes": zone["communes"]}
            ours_sql = MEASURE.format(
                outline=OUTLINE.format(union="geocoop_coverage_union(array_agg(geom_simplified))")
            )
            base_sql = MEASURE.format(outline=OUTLINE.format(union="ST_Union(geom_simplified)"))
            ours_s, ours = best_of(conn, ours_sql, params)
            base_s, base = best_of(conn, base_sql, params)
            apart = conn.execute(
                text(
                    "SELECT ST_Area(ST_SymDifference(a.g, b.g)::geography) FROM ("
                    + OUTLINE.format(union="geocoop_coverage_union(array_agg(geom_simplified))")
                    + ") a, ("
                    + OUTLINE.format(union="ST_Union(geom_simplified)")
                    + ") b"
                ),
                params,
            ).scalar_one()
            start = time.perf_counter()
            zones = api.white_zones(conn, kind="tiers_lieu", limit=20, with_geometry=True)
            call_s = time.perf_counter() - start
            # named zones with their reasons: whole (baseline) against split by département,
            # then what the map asks (50 split rows with outlines)
            whole_s, whole = timed(
                lambda: api.white_zones(conn, kind="tiers_lieu", limit=1000, with_geometry=False)
            )
            split_s, split = timed(
                lambda: api.white_zones(
                    conn, kind="tiers_lieu", limit=1000, with_geometry=False, split=True
                )
            )
            page_s, _page = timed(
                lambda: api.white_zones(
                    conn, kind="tiers_lieu", limit=50, with_geometry=True, split=True
                )
            )
        parts = [z for z in split if z["zone_id"] == zone["id"]]
        print(f"named: whole {whole_s:.2f} s ({len(whole)} rows), split {split_s:.2f} s "
              f"({len(split)} rows; the largest zone in {len(parts)} parts), "
              f"map page {page_s:.2f} s")  # fmt: skip
        zone_name = zone["name"]
        print(f"largest tiers-lieu white zone: {zone['communes_count']:,} communes, {zone_name}")
        print(
            f"geocoop_coverage_union {ours_s:.2f} s, ST_Union {base_s:.2f} s, "
            f"ratio {base_s / ours_s:.1f}x; outlines differ by {apart:.1f} m²"
        )
        print(f"white_zones(limit=20, outlines) {call_s:.2f} s")
        write_run(
            OUT,
            f"""# White-zone outlines

`benchmarks/bench_zones.py`: all communes of France loaded by the boundaries loader,
{coops:,} real cooperations, stored analysis refreshed; the largest tiers-lieu white zone
({zone["communes_count"]:,} communes, {ours.km2:,.0f} km²) dissolved from the simplified
commune polygons, best of three runs each, same server. Load average at the start: {load:.1f}.

| dissolve | time | outline vertices | GeoJSON |
|---|---|---|---|
| `geocoop_coverage_union` (migration 0007: edge matching, `ST_BuildArea`) | {ours_s:.2f} s \
| {ours.points:,} | {ours.json_bytes / 1e6:.1f} MB |
| `ST_Union` (baseline: the previous implementation) | {base_s:.2f} s | {base.points:,} \
| {base.json_bytes / 1e6:.1f} MB |

Ratio: **{base_s / ours_s:.1f}×** faster; the two outlines differ by {apart:.1f} m² (same
shape). Before, zones of more than 1,500 communes were not dissolved at all (the map got
their member polygons). The whole `white_zones(kind="tiers_lieu", limit=20)` call, outlines
of {len(zones)} zones included, takes {call_s:.2f} s.

## Named zones and the split by département

Same run. Every zone named and explained (most populated commune, départements' names,
nearest cooperation and its distance, the whole zone's figures), no outlines:

| call | time | rows |
|---|---|---|
| whole zones (`limit=1000`; baseline) | {whole_s:.2f} s | {len(whole):,} |
| split by département (`split=True`, `limit=1000`) | {split_s:.2f} s | {len(split):,} |
| what the map asks: 50 split rows with their outlines | {page_s:.2f} s | 50 |

Ratio split / whole: **{split_s / whole_s:.1f}×**. The largest zone, « {zone_name} »,
becomes {len(parts)} rows, the first « {parts[0]["name"] if parts else "–"} »
({parts[0]["population"] if parts else 0:,} inhabitants).
""",
            "Run of `bench_zones`",
        )
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
