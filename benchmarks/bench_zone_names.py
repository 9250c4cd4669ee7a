#!/usr/bin/env python3
"""What naming the stored white zones costs each refresh, on all of France.

Provisions a throw-away PostGIS cluster in /tmp, loads every commune with the boundaries
loader, the real tiers-lieux and France services points, refreshes the stored analysis,
then measures in the same run (best of three each):
- `zones.store_names` over every kind, from scratch (every zone's parts and sentences
  computed and written: the first refresh after migration 0019) and at steady state
  (nothing changed: what every later refresh pays to check);
- the baseline: `zones.store_outlines` at steady state without the names (the step the
  names were added to, as it was), and the full refresh;
- what one edit pays: the tiers-lieu nearest a white zone moved by 500 m; the names checked
  only for the zones holding a commune it makes `refresh_for_cooperation` recompute,
  against every zone of the kind and against the outlines alone (the baseline); then that
  incremental refresh once, with its `zone_outlines` phase;
- the OGC collection `white-zones-tiers_lieu` read whole through its SELECT (what QGIS
  pages through), names and reasons included.
Writes docs/performance-zone-names.md.

    .venv/bin/python -m benchmarks.bench_zone_names
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

from benchmarks.realdata import load_real_cooperations
from benchmarks.sections import write_run
from benchmarks.throwaway import throwaway_database
from geocoop.analysis import api, zones
from geocoop.features.query import base_of
from geocoop.features.registry import get_collection
from geocoop.ingest.boundaries import ingest_boundaries
from geocoop.ingest.boundaries_bundled import VINTAGE, bundled_paths
from geocoop.sql import statement

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "docs" / "performance-zone-names.md"
FORGET = text(
    "UPDATE analysis_zone SET main_commune = NULL, main_commune_name = NULL, "
    "main_departement = NULL, main_epci = NULL, epci_name = NULL, departements_count = NULL, "
    "nearest_cooperation_id = NULL, nearest_cooperation_name = NULL, "
    "nearest_distance_m = NULL, service_distance_m = NULL, name_fr = NULL, name_en = NULL, "
    "reason_fr = NULL, reason_en = NULL"
)


def best(call, runs: int = 3, before=None) -> tuple[float, object]:
    """(fastest seconds, last result) of `call()`, `before()` run untimed ahead of each."""
    fastest, result = float("inf"), None
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        result = call()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, result


def outlines_only(conn, kinds: list[str]) -> None:
    """store_outlines as it was before the names: the outline statements alone."""
    params = {"kinds": kinds}
    conn.execute(statement("analysis/zone_outline_live_drop"))
    conn.execute(statement("analysis/zone_outline_live_create"))
    conn.execute(statement("analysis/zone_outlines_live"), params)
    conn.execute(statement("analysis/zone_outlines_delete"), params)
    conn.execute(statement("analysis/zone_outlines_insert"), params)
    conn.execute(statement("analysis/zone_outline_live_count")).scalar_one()
    conn.execute(statement("analysis/zone_outline_live_drop"))


def main() -> int:
    if not DATA.is_dir():
        print(f"shared data absent ({DATA}): nothing measured")
        return 1
    with throwaway_database("gczn-") as (_cluster, engine):
        with engine.begin() as conn:
            ingest_boundaries(conn, bundled_paths(DATA), vintage=VINTAGE, progress=False)
            coops = load_real_cooperations(conn, DATA)
        start = time.perf_counter()
        with engine.begin() as conn:
            report = api.refresh_all(conn)
        full_s = time.perf_counter() - start
        print(f"full refresh {full_s:.1f} s; phases {report['phases']}")
        load = os.getloadavg()[0]
        with engine.begin() as conn:
            kinds = sorted(
                conn.execute(text("SELECT DISTINCT kind_code FROM analysis_zone")).scalars()
            )
            counts = dict(
                conn.execute(
                    text("SELECT kind_code, count(*) FROM analysis_zone GROUP BY 1")
                ).all()
            )
            scratch_s, named = best(
                lambda: zones.store_names(conn, kinds), before=lambda: conn.execute(FORGET)
            )
            steady_s, unchanged = best(lambda: zones.store_names(conn, kinds))
            outlines_s, _ = best(lambda: outlines_only(conn, kinds))
            # one edit: the tiers-lieu nearest a white zone moved by about 500 m,
            # and the communes refresh_for_cooperation recomputes for it (affected_communes)
            tl = ["tiers_lieu"]
            coop = conn.execute(
                text(
                    "SELECT nearest_cooperation_id FROM analysis_commune_kind "
                    "WHERE kind_code = 'tiers_lieu' AND zone_id IS NOT NULL "
                    "ORDER BY nearest_edge_m LIMIT 1"
                )
            ).scalar_one()
            conn.execute(
                text("UPDATE cooperation SET location = ST_Translate(location, 0.005, 0.0) "
                     "WHERE id = :i"),
                {"i": coop},
            )  # fmt: skip
            near = list(
                conn.execute(
                    statement("analysis/affected_communes"), {"kind": "tiers_lieu", "id": coop}
                ).scalars()
            )
            in_zones = conn.execute(
                text(
                    "SELECT count(*) FROM analysis_commune_kind WHERE kind_code = 'tiers_lieu' "
                    "AND zone_id IS NOT NULL AND commune_code = ANY (:c)"
                ),
                {"c": near},
            ).scalar_one()
            edit_outlines_s, _ = best(lambda: outlines_only(conn, tl), runs=7)
            edit_all_s, _ = best(lambda: zones.store_names(conn, tl), runs=7)
            edit_scoped_s, _ = best(lambda: zones.store_names(conn, tl, near), runs=7)
            base = base_of(get_collection("white-zones-tiers_lieu"))
            read_s, rows = best(lambda: conn.execute(select(base)).all())
            empty = conn.execute(
                select(func.count()).select_from(base).where(base.c.name_fr.is_(None))
            ).scalar_one()
            start = time.perf_counter()
            incremental = api.refresh_for_cooperation(conn, coop)
            incremental_s = time.perf_counter() - start
            conn.rollback()
        total_zones = sum(counts.values())
        outline_phase = incremental["phases"].get("zone_outlines", 0.0)
        print(
            f"{total_zones} zones ({counts}); names from scratch {scratch_s:.3f} s ({named}), "
            f"steady {steady_s:.3f} s ({unchanged}); outlines alone {outlines_s:.3f} s; "
            f"collection read {read_s:.3f} s ({len(rows)} rows, {empty} unnamed); "
            f"incremental {incremental_s:.3f} s, zone_outlines phase {outline_phase:.3f} s; "
            f"one edit ({len(near)} communes, {in_zones} in zones): outlines "
            f"{edit_outlines_s:.3f} s, names scoped {edit_scoped_s:.3f} s, "
            f"every zone {edit_all_s:.3f} s"
        )
        write_run(
            OUT,
            f"""# Naming the stored white zones

`python -m benchmarks.bench_zone_names`: all communes of France loaded by the boundaries
loader, {coops:,} real cooperations (tiers-lieux 2019, France services 2024), stored
analysis refreshed ({full_s:.1f} s); {total_zones:,} stored white zones
({", ".join(f"{k}: {v:,}" for k, v in counts.items())}). Best of three runs each, same
server, load average {load:.1f} at the start (2 cores shared with other jobs).

Each refresh now stores, for every white zone of the kinds it touched, its name and reason
(main commune, its département and EPCI, nearest cooperation and its distance, service
distance, sentences in French and English) for the OGC collections
(`zones.store_names`, called by `store_outlines`).

| step | time | zones written |
|---|---|---|
| outlines as before (the step names were added to; baseline) | {outlines_s:.3f} s | — |
| names from scratch (first refresh after migration 0019) | {scratch_s:.3f} s | {named:,} |
| names at steady state (nothing changed: the check every refresh pays) | {steady_s:.3f} s \
| {unchanged:,} |
| full refresh, all kinds (for scale) | {full_s:.1f} s | — |

Ratios: names from scratch / outlines **{scratch_s / outlines_s:.1f}×**, steady state /
outlines **{steady_s / outlines_s:.1f}×**; steady state is {100 * steady_s / full_s:.2f} % of
a full refresh.

What one edit pays: the tiers-lieu nearest a white zone moved by about 500 m, which makes
`refresh_for_cooperation` recompute {len(near):,} communes ({in_zones:,} of them in white
zones); best of seven, nothing else changed:

| step of `store_outlines` (tiers-lieux) | time |
|---|---|
| outlines (baseline: the whole step before the names) | {edit_outlines_s:.3f} s |
| names, only the zones holding a recomputed commune (what the edit does) \
| {edit_scoped_s:.3f} s |
| names, every zone of the kind (what a by-kind refresh does) | {edit_all_s:.3f} s |

Names / outlines: **{edit_scoped_s / edit_outlines_s:.2f}×** for the edit,
{edit_all_s / edit_outlines_s:.2f}× for every zone.

The whole incremental refresh of that move (cold, once): {incremental_s:.3f} s, of which
{outline_phase:.3f} s for the outlines and names.

Reading `white-zones-tiers_lieu` whole through its SELECT (what QGIS pages through,
names and reasons included): {read_s:.3f} s for {len(rows):,} zones, {empty} without a name.
""",
            "Run of `bench_zone_names`",
        )
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
