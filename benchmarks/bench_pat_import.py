#!/usr/bin/env python3
"""The national PAT list imported and its analysis refreshed, on all of France.

What issue 14 item 2 measures (target: import + refresh < 15 s): on the national database
(every boundary, the tiers-lieux, France services and the 460 PAT, one full analysis —
built once like bench_gis_clients, or reused with GEOCOOP_BENCH_PGDATA), each run happens
in one transaction rolled back at the end, in a fresh process:
- **import**: the 460 PAT deleted, the national file imported again through
  `import_cooperations_then_refresh` and its kind refreshed (`refresh_kinds`); import and
  refresh seconds, the refresh's phases, and the seconds of the three costliest statements
  (the perimeter unions, the nearest searches, the merge with its edit-log history);
- **no history**: the same import with the merge's per-row history logging turned off
  (`merge_staged(log_actor=None)`), to measure what the edit log costs;
- **EPCI unions not cached**: the import with `perimeter_epci_union` emptied (the first
  import after a boundaries import), then those unions computed and committed (« warm »:
  the pairs below run with them, as every later import does);
- **re-import**: the same file imported again over the stored PAT (nothing changed);
- **full refresh** (the baseline): `refresh_analysis`, every kind, on the same database;
- **1-row upload**: a CSV of one tiers-lieu (Rennes) imported as the CLI does it
  (`import_cooperations_then_refresh`, its kind refreshed), over the national database.
With `--before DIR` (another checkout, e.g. `git archive main | tar -x -C /tmp/before`)
the import (`--pairs` times) and the re-import also run with that code, alternated with
this one: before/after on the same database in the same run, medians reported. The
stored results are compared between the runs (per-commune figures of PAT, its profiles'
facts, the roll-ups holding it, perimeters and points): the table says whether they are
identical.

    .venv/bin/python -m benchmarks.bench_pat_import [--before DIR] [--pairs 3] [--quick]
        [--no-write]
    GEOCOOP_BENCH_PGDATA=/tmp/pat-bench-pg .venv/bin/python -m benchmarks.bench_pat_import

Writes its section of docs/performance-imports.md (between markers).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.sections import replace_marked

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
PAT_FILE = "cooperations/pat-france-2025/pats-axe-gouvernance-20250710-win1252.csv"
OUT = ROOT / "docs" / "performance-imports.md"
START, END = "<!-- bench_pat_import: start -->", "<!-- bench_pat_import: end -->"

# statements timed in the worker, recognised by a fragment of their text
TIMED = {
    "perimeter unions": "ST_Union(t.geom)",
    "nearest searches": "analysis_expand_m(t.geom, k.edge_m",
    "merge + history": "ON CONFLICT (source, source_id)",
}

DELETE_PAT = """
DELETE FROM partnership WHERE cooperation_a_id IN (SELECT id FROM cooperation WHERE
  kind_code = 'pat') OR cooperation_b_id IN (SELECT id FROM cooperation WHERE kind_code = 'pat');
DELETE FROM cooperation WHERE kind_code = 'pat'
"""

# The stored results of PAT, cooperations named by source id (ids differ between runs).
DIGESTS = {
    "communes": """
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT concat_ws(',', s.commune_code, n.source_id, round(s.nearest_edge_m),
         round(s.nearest_center_m), s.covered_distance, s.covered_perimeter, p.source_id,
         s.perimeter_via, s.perimeter_share,
         CASE WHEN s.zone_id IS NOT NULL
              THEN min(s.commune_code) OVER (PARTITION BY s.zone_id) END) AS x
  FROM analysis_commune_kind s
  LEFT JOIN cooperation n ON n.id = s.nearest_cooperation_id
  LEFT JOIN cooperation p ON p.id = s.perimeter_cooperation_id
  WHERE s.kind_code = 'pat') q""",
    "profiles": """
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT concat_ws(',', f.category, f.socio_economic_model, f.stage, f.cooperations,
         c.commune_code, round(c.nearest_edge_m), c.covered_perimeter) AS x
  FROM analysis_commune_profile c
  JOIN analysis_profile f USING (kind_code, profile_id)
  WHERE c.kind_code = 'pat') q""",
    "rollups": """
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT concat_ws(',', kinds, rule, parent_level, parent_code, level, code, communes_total,
         communes_covered, population, population_covered, round(area_covered_km2::numeric, 6),
         round(nearest_m)) AS x
  FROM analysis_rollup WHERE kinds LIKE '%pat%') q""",
    "zones": """
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT concat_ws(',', communes_count, members_hash, ST_AsText(ST_Normalize(geom), 6)) AS x
  FROM analysis_zone WHERE kind_code = 'pat') q""",
    "points": """
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT concat_ws(',', source_id, commune_code, ST_AsEWKB(location)::text) AS x
  FROM cooperation WHERE kind_code = 'pat') q""",
}
# The stored results a 1-row tiers-lieu upload can change (compared between the codes).
ONE_ROW_DIGESTS = {
    "tiers-lieux communes": """
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT concat_ws(',', s.commune_code, n.name, round(s.nearest_edge_m::numeric, 3),
         round(s.nearest_center_m::numeric, 3), s.covered_distance,
         CASE WHEN s.zone_id IS NOT NULL
              THEN min(s.commune_code) OVER (PARTITION BY s.zone_id) END) AS x
  FROM analysis_commune_kind s
  LEFT JOIN cooperation n ON n.id = s.nearest_cooperation_id
  WHERE s.kind_code = 'tiers_lieu') q""",
    "roll-ups": """
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT concat_ws(',', kinds, rule, parent_level, parent_code, level, code, communes_total,
         communes_covered, population, population_covered,
         round(area_covered_km2::numeric, 6), round(nearest_m)) AS x
  FROM analysis_rollup WHERE kinds LIKE '%tiers_lieu%') q""",
    "white zones": """
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT concat_ws(',', communes_count, members_hash, name_fr, reason_fr) AS x
  FROM analysis_zone WHERE kind_code = 'tiers_lieu') q""",
}
ONE_ROW_CSV = "id,nom,commune,lat,lon\nbench-1,Tiers-lieu du banc d'essai,Rennes,48.1110,-1.6800\n"
STORED_SOURCE = "SELECT min(source) FROM cooperation WHERE kind_code = 'pat'"
RAW_EDGES = """
SELECT s.commune_code, s.nearest_edge_m FROM analysis_commune_kind s WHERE s.kind_code = 'pat'
"""
# Perimeters are compared as geometries (the union path changes their vertex order).
RAW_PERIMETERS = """
SELECT source_id, encode(ST_AsEWKB(perimeter), 'hex') FROM cooperation
WHERE kind_code = 'pat' AND perimeter IS NOT NULL
"""
COMPARE_PERIMETERS = """
WITH pair AS (
  SELECT b.key, ST_GeomFromEWKB(decode(b.value, 'hex')) AS old,
         ST_GeomFromEWKB(decode(a.value, 'hex')) AS new
  FROM json_each_text(CAST(:before AS json)) b JOIN json_each_text(CAST(:after AS json)) a
    USING (key)
)
SELECT count(*) AS perimeters,
       count(*) FILTER (WHERE ST_Equals(old, new)) AS equal,
       max(greatest(ST_Area(ST_Difference(old, new)::geography),
                    ST_Area(ST_Difference(new, old)::geography))) AS largest_m2,
       count(*) FILTER (WHERE NOT ST_Equals(ST_PointOnSurface(old), ST_PointOnSurface(new)))
           AS plain_points_moved,
       max(ST_Distance(ST_PointOnSurface(old)::geography, ST_PointOnSurface(new)::geography))
           AS plain_point_moved_m
FROM pair
"""
# A first import after a boundaries import: the EPCI unions are computed (migration 0022).
EMPTY_CACHE = "DELETE FROM perimeter_epci_union"


def worker(url: str, mode: str, mapping: Path, raw_out: Path | None) -> dict:
    """One run, in the checkout on PYTHONPATH; rolled back at the end."""
    from sqlalchemy import event, text

    import geocoop.ingest.cooperations as ingest
    import geocoop.orchestration as orchestration
    from geocoop.config import load_settings
    from geocoop.db import make_engine
    from geocoop.orchestration import import_cooperations_then_refresh, refresh_analysis

    engine = make_engine(url, load_settings({"pool_size": 1, "statement_timeout_ms": 3_600_000}))
    timed = dict.fromkeys(TIMED, 0.0)

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, params, context, many):
        conn.info["t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, params, context, many):
        for name, fragment in TIMED.items():
            if fragment in statement:
                timed[name] += time.perf_counter() - conn.info["t0"]

    if mode == "nolog":
        merge = ingest.merge_staged
        ingest.merge_staged = lambda conn, source, run_id, log_actor=None: merge(
            conn, source, run_id, None
        )
    out: dict = {"mode": mode}
    with engine.connect() as conn:
        # the stored list's own source: a re-import then updates it instead of adding a copy
        source = conn.execute(text(STORED_SOURCE)).scalar() or "france-pat-2025"
        if mode in ("import", "nolog", "cold", "warm", "cli"):
            for part in DELETE_PAT.split(";"):
                conn.execute(text(part))
        if mode == "cli":
            conn.commit()  # as a user who deleted them: the import then commits its steps
        if mode == "cold":
            conn.execute(text(EMPTY_CACHE))
        logged = conn.execute(text("SELECT count(*) FROM edit_log")).scalar()
        started = time.perf_counter()
        if mode == "full":
            out["phases"] = refresh_analysis(conn).get("phases")
            out["refresh_s"] = time.perf_counter() - started
        elif mode == "warm":
            # the EPCI unions a first import leaves behind, kept (the rest rolled back)
            ingest.import_cooperations(
                conn, DATA / PAT_FILE, kind="pat", source=source, mapping=mapping,
                allow_join=True,
            )
            out["refresh_s"] = 0.0
            cached = conn.execute(
                text("SELECT epci_code, members_hash, geom FROM perimeter_epci_union")
            ).all()
            conn.rollback()
            conn.execute(text(EMPTY_CACHE))
            for row in cached:
                conn.execute(
                    text(
                        "INSERT INTO perimeter_epci_union (epci_code, members_hash, geom) "
                        "VALUES (:e, :h, CAST(:g AS geometry))"
                    ),
                    {"e": row[0], "h": row[1], "g": row[2]},
                )
            conn.commit()
            out["cached"] = len(cached)
        elif mode == "one":
            folder = Path(tempfile.mkdtemp(prefix="pat-bench-one-"))
            one = folder / "un-tiers-lieu.csv"
            one.write_text(ONE_ROW_CSV, encoding="utf-8")
            steps = {}
            started = time.perf_counter()
            report, refreshed = import_cooperations_then_refresh(
                conn,
                one,
                kind="tiers_lieu",
                source="bench-one-row",
                on_step=lambda s: steps.setdefault(s, time.perf_counter()),
            )
            ended = time.perf_counter()
            split = steps.get("refresh", ended)
            out.update(
                import_s=split - started,
                refresh_s=ended - split,
                inserted=report.counts.get("inserted"),
                phases=(refreshed or {}).get("phases"),
                incremental=bool((refreshed or {}).get("incremental")),
            )
            shutil.rmtree(folder, ignore_errors=True)
        else:
            steps: dict[str, float] = {}
            # the kind's figures first, its per-profile facts in a step of their own; older
            # code: one step. "cli": as the CLI and the job queue run it, the rows, the
            # kind's own figures and its per-profile facts each committed (the facts
            # computed meanwhile on a second connection by code that can); the database
            # keeps the result. Otherwise in this one transaction, rolled back.
            signature = inspect.signature(orchestration.import_then_refresh)
            options = {"commit_between": True} if mode == "cli" else {}
            if mode != "cli" and "profiles_later" in signature.parameters:
                options["profiles_later"] = True
            report, refreshed = import_cooperations_then_refresh(
                conn,
                DATA / PAT_FILE,
                kind="pat",
                source=source,
                mapping=mapping,
                allow_join=True,
                on_step=lambda s: steps.setdefault(s, time.perf_counter()),
                **options,
            )
            ended = time.perf_counter()
            # no "refresh" step: the re-import found nothing to recompute
            split = steps.get("refresh", ended)
            profiles_at = steps.get("profiles", ended)
            step = (refreshed or {}).get("profile_facts_step") or {}
            out.update(
                import_s=split - started,
                refresh_s=profiles_at - split,
                profiles_s=ended - profiles_at,
                profiles_phases=step.get("phases"),
                ahead=step.get("ahead", False),
                ahead_s=step.get("ahead_seconds"),
                inserted=report.counts.get("inserted"),
                updated=report.counts.get("updated"),
                phases=(refreshed or {}).get("phases"),
                unchanged=bool((refreshed or {}).get("unchanged")),
            )
        out["history_rows"] = conn.execute(text("SELECT count(*) FROM edit_log")).scalar() - logged
        out["statements"] = timed
        digests = ONE_ROW_DIGESTS if mode == "one" else DIGESTS
        out["digests"] = {k: conn.execute(text(q)).scalar() for k, q in digests.items()}
        if raw_out is not None:
            raw = dict(conn.execute(text(RAW_EDGES)).all())
            raw_out.write_text(json.dumps(raw), encoding="utf-8")
            perimeters = dict(conn.execute(text(RAW_PERIMETERS)).all())
            raw_out.with_suffix(".perimeters.json").write_text(
                json.dumps(perimeters), encoding="utf-8"
            )
        if conn.in_transaction():
            conn.rollback()
    engine.dispose()
    return out


def run_one(checkout: Path, url: str, mode: str, raw_out: Path | None = None) -> dict:
    """`worker` in a fresh process whose `geocoop` is the one of `checkout`."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", url, mode]
    command += ["--mapping", str(checkout / "data" / "mappings" / "pat-france-2025.yaml")]
    if raw_out is not None:
        command += ["--raw", str(raw_out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{mode} in {checkout} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_average() -> str:
    """The 1-minute load average (the machine is shared: it says how far to trust times)."""
    return Path("/proc/loadavg").read_text().split()[0]


def section(rows: list[tuple], facts: dict) -> str:
    """The markdown section of docs/performance-imports.md."""
    lines = [
        START,
        "## The national PAT list imported and refreshed (`bench_pat_import`)",
        "",
        "`python -m benchmarks.bench_pat_import --before <checkout of main>`: on the national",
        f"database ({facts['database']}), each run in its own process and in one transaction",
        "rolled back at the end; « import » = the 460 PAT deleted, then the national file",
        "imported and its kind refreshed (`import_cooperations_then_refresh`). « refresh » =",
        "until the kind's own figures are stored (coverage, white zones, roll-ups, counts);",
        "code that stores the per-profile facts (stage/category/model filters) in a step of",
        "its own (`profiles_later`, committed apart by the CLI and the job queue) gives that",
        "step's seconds under « then profile facts »; older code does it inside « refresh ».",
        "« EPCI unions not cached »: the first import after a boundaries import (the",
        "unions of whole EPCIs computed, migration 0022); the pairs run with them cached.",
        "Baseline: a",
        "full refresh of every kind in the same run. Machine shared with other sessions (2",
        f"cores; load average {facts['loads']} during the runs): compare within the run.",
        "",
        "| run | code | import (s) | refresh (s) | total (s) | then profile facts (s) | "
        "perimeter unions (s) | nearest searches (s) | merge + history (s) | history rows "
        "| load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, code, r, load in rows:
        st = r["statements"]
        total = r.get("import_s", 0) + r["refresh_s"]
        imported = f"{r['import_s']:.1f}" if "import_s" in r else "–"
        lines.append(
            f"| {label} | {code} | {imported} | {r['refresh_s']:.1f} | "
            f"{total:.1f} | {r.get('profiles_s', 0):.1f} | {st['perimeter unions']:.1f} | "
            f"{st['nearest searches']:.1f} | "
            f"{st['merge + history']:.2f} | {r['history_rows']} | {load} |"
        )
    lines += ["", *facts["notes"], "", END]
    return "\n".join(lines)


def replace_section(path: Path, section: str) -> None:
    """Write `section` in place of the marked one in `path`, or at its end."""
    replace_marked(path, section, START, END)


def prepare(folder: Path) -> tuple[object, str, dict]:
    """The national database (built once), its URL and the build's phases."""
    from sqlalchemy import text

    from benchmarks.bench_gis_clients import build_national
    from geocoop.config import load_settings
    from geocoop.db import make_engine, upgrade
    from geocoop.embedded import EmbeddedCluster

    cluster = EmbeddedCluster(folder, "geocoop", fast=True)
    cluster.start()
    url = cluster.url("geocoop")
    engine = make_engine(url, load_settings({"pool_size": 1, "statement_timeout_ms": 3_600_000}))
    upgrade(engine)
    with engine.connect() as conn:
        empty = not conn.execute(text("SELECT EXISTS (SELECT 1 FROM cooperation)")).scalar()
    built = build_national(engine) if empty else {}
    from geocoop.features.summary import refresh_summaries, summaries_current

    with engine.begin() as conn:
        # as in service: every write stores them, so an upload recomputes only its own
        # (a database built before summaries existed would make it recompute all of them)
        if not summaries_current(conn):
            refresh_summaries(conn)
    with engine.connect() as conn:
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM territory WHERE level = 'commune'), "
                "(SELECT count(*) FROM cooperation)"
            )
        ).one()
    engine.dispose()
    database = f"{counts[0]:,} communes, {counts[1]:,} cooperations"
    return cluster, url, {"built": built, "database": database}


def compare_perimeters(url: str, before: Path, after: Path) -> dict:
    """Per PAT, the before and after perimeters compared as geometries in PostGIS."""
    from sqlalchemy import text

    from geocoop.config import load_settings
    from geocoop.db import make_engine

    engine = make_engine(url, load_settings({"pool_size": 1, "statement_timeout_ms": 600_000}))
    with engine.connect() as conn:
        row = conn.execute(
            text(COMPARE_PERIMETERS),
            {"before": before.read_text(encoding="utf-8"), "after": after.read_text("utf-8")},
        ).one()
    engine.dispose()
    return dict(row._mapping)


def after_mode_label(mode: str) -> str:
    """How the after run found the EPCI unions."""
    return "EPCI unions cached" if mode == "import" else "EPCI unions computed in the run"


def compare(a: dict, b: dict) -> list[str]:
    """The stored results that differ between two runs."""
    return [k for k in a["digests"] if a["digests"][k] != b["digests"][k]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", nargs=2, metavar=("URL", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--mapping", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--raw", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--before", type=Path, help="another checkout to compare with")
    parser.add_argument("--no-write", action="store_true", help="print, leave the docs alone")
    parser.add_argument("--pairs", type=int, default=3, help="alternated before/after imports")
    parser.add_argument("--ones", type=int, default=3, help="alternated 1-row uploads")
    parser.add_argument(
        "--quick", action="store_true", help="leave out the history-logging runs (time box)"
    )
    parser.add_argument(
        "--cli-pairs", type=int, default=2,
        help="alternated before/after imports as the CLI runs them (commits between steps)",
    )  # fmt: skip
    parser.add_argument(
        "--cli-only", action="store_true", help="only the imports as the CLI runs them"
    )
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], args.mapping, args.raw)))
        return 0
    if not DATA.is_dir():
        print(f"shared data absent ({DATA}): nothing measured")
        return 1
    keep = os.environ.get("GEOCOOP_BENCH_PGDATA")
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="pat-bench-", dir="/tmp"))
    scratch = Path(tempfile.mkdtemp(prefix="pat-bench-raw-", dir="/tmp"))
    cluster, url, facts = prepare(folder)
    try:
        checkouts = [("after", ROOT)]
        if args.before:
            checkouts.insert(0, ("before", args.before.resolve()))
        plan = [("full refresh (baseline)", "after", "full")]
        for turn in range(1, args.pairs + 1):  # alternated: the machine's load drifts
            plan += [(f"import + refresh, pair {turn}", code, "import") for code, _ in checkouts]
        # the first import after a boundaries import computes the EPCI unions it reuses
        plan.insert(1, ("import + refresh, EPCI unions not cached", "after", "cold"))
        plan.insert(2, ("EPCI unions cached (committed)", "after", "warm"))
        plan += [("re-import, unchanged", code, "reimport") for code, _ in checkouts]
        for turn in range(1, args.ones + 1):  # alternated too: a second or less each
            plan += [(f"1-row upload (tiers-lieu), {turn}", code, "one") for code, _ in checkouts]
        if not args.quick:
            plan.append(("import, no history logging", "after", "nolog"))
            plan.append(("import + refresh, beside the previous", "after", "import"))
        cli = [
            (f"import as the CLI runs it, pair {turn}", code, "cli")
            for turn in range(1, args.cli_pairs + 1)
            for code, _ in checkouts
        ]
        plan = cli if args.cli_only else plan + cli
        rows, results, loads = [], {}, []
        where = dict(checkouts)
        for label, code, mode in plan:
            load = load_average()
            raw = scratch / f"{code}-{mode}.json" if mode in ("import", "cold") else None
            result = run_one(where[code], url, mode, raw)
            print(label, code, json.dumps(result), flush=True)
            rows.append((label, code, result, load))
            results.setdefault((code, mode), []).append(result)
            if label.startswith("import + refresh, pair"):
                results.setdefault((code, "pair"), []).append(result)
            loads.append(float(load))
        notes = []

        def median_of(code: str, mode: str, key) -> float:
            return statistics.median(key(r) for r in results[(code, mode)])

        def total(r: dict) -> float:
            return r.get("import_s", 0) + r["refresh_s"]

        if ("after", "pair") in results:
            after = median_of("after", "pair", total)
            if ("before", "import") in results:
                afters = results[("after", "import")] + results.get(("after", "cold"), [])
                befores = results[("before", "import")]
                differ = sorted({k for b in befores for a in afters for k in compare(b, a)})
                old = json.loads((scratch / "before-import.json").read_text())
                new = json.loads((scratch / "after-import.json").read_text())
                gap = max(
                    (
                        abs(old[c] - new[c])
                        for c in old
                        if old[c] is not None and new.get(c) is not None
                    ),
                    default=0.0,
                )
                for after_mode in ("import", "cold"):
                    shape = compare_perimeters(
                        url,
                        scratch / "before-import.perimeters.json",
                        scratch / f"after-{after_mode}.perimeters.json",
                    )
                    notes.append(
                        f"Perimeters, before against after ({after_mode_label(after_mode)}): "
                        f"{shape['equal']} of {shape['perimeters']} `ST_Equals`, largest area in "
                        f"one and not the other {shape['largest_m2']:.1e} m² (target < 1 m²); "
                        f"their plain `ST_PointOnSurface` would differ for "
                        f"{shape['plain_points_moved']} "
                        f"(by {shape['plain_point_moved_m'] or 0:.1f} m "
                        "at most); the stored points (`geocoop_perimeter_point`) are compared "
                        "below."
                    )
                notes.append(
                    "Stored results, every before run against every after run (per-commune "
                    "figures of PAT by source id, its profiles' facts, the roll-ups holding it, "
                    "white zones, points): "
                    + ("**identical**" if not differ else f"**differ: {', '.join(differ)}**")
                    + f"; largest difference of a raw stored nearest distance: {gap:.1e} m."
                )
                before = median_of("before", "pair", total)
                parts = []
                for name in ("import_s", "refresh_s"):
                    b_, a_ = (
                        median_of(c, "pair", lambda r, n=name: r[n]) for c in ("before", "after")
                    )
                    parts.append(f"{name[:-2]} {b_:.1f} → {a_:.1f} s")
                for name in TIMED:
                    b_, a_ = (
                        median_of(c, "pair", lambda r, n=name: r["statements"][n])
                        for c in ("before", "after")
                    )
                    parts.append(f"{name} {b_:.1f} → {a_:.1f} s")
                fresh = {
                    c: median_of(c, "pair", lambda r: total(r) + r.get("profiles_s", 0))
                    for c in ("before", "after")
                }
                notes.append(
                    f"Medians of the {args.pairs} alternated pairs, before → after: import + "
                    f"refresh {before:.1f} → {after:.1f} s (**{before / after:.2f}×**); every "
                    f"figure fresh, per-profile facts included, {fresh['before']:.1f} → "
                    f"{fresh['after']:.1f} s; "
                    + "; ".join(parts)
                    + "."
                )
                reimport = [total(results[(c, "reimport")][0]) for c in ("before", "after")]
                notes.append(
                    f"Re-import of the unchanged file, before → after: {reimport[0]:.1f} → "
                    f"{reimport[1]:.1f} s ({reimport[0] / reimport[1]:.0f}×)."
                )
            if ("before", "one") in results:
                ones = {c: results[(c, "one")] for c in ("before", "after")}
                a1 = ones["after"][0]
                differ = sorted(
                    {k for b in ones["before"] for a in ones["after"] for k in compare(b, a)}
                )
                med = {
                    (c, key): statistics.median(
                        (total(r) if key == "total" else r[key]) for r in ones[c]
                    )
                    for c in ones
                    for key in ("import_s", "refresh_s", "total")
                }
                notes.append(
                    f"1-row upload (one tiers-lieu, imported and refreshed in one transaction), "
                    f"medians of {len(ones['after'])} alternated runs, before → after: import "
                    f"{med['before', 'import_s']:.2f} → {med['after', 'import_s']:.2f} s, refresh "
                    f"{med['before', 'refresh_s']:.2f} → {med['after', 'refresh_s']:.2f} s, total "
                    f"{med['before', 'total']:.2f} → {med['after', 'total']:.2f} s "
                    f"({med['before', 'total'] / med['after', 'total']:.1f}×; row by row: "
                    f"{bool(a1.get('incremental'))}); target < 1 s: "
                    + ("**met**" if med["after", "total"] < 1 else "**not met**")
                    + "; stored tiers-lieu figures, roll-ups and white zones, every before run "
                    "against every after run: "
                    + ("**identical**." if not differ else f"**differ: {', '.join(differ)}**.")
                )
                for code in ("before", "after"):
                    last = json.dumps(ones[code][-1]["phases"])
                    notes.append(f"1-row upload, refresh phases {code} (s, last run): {last}.")
            full = results[("after", "full")][0]["refresh_s"]
            notes.append(
                f"After, import + refresh up to the kind's own figures (median) = {after:.1f} s, "
                f"{after / full:.2f}× the full "
                f"refresh of every kind in the same run ({full:.1f} s); target < 15 s: "
                + ("**met**." if after < 15 else "**not met** (see « where the time goes »).")
            )
            if ("after", "nolog") in results:
                beside, nolog = results[("after", "import")][-1], results[("after", "nolog")][0]
                merged, unlogged = (r["statements"]["merge + history"] for r in (beside, nolog))
                notes.append(
                    f"History logging (two adjacent runs): the merge with its "
                    f"{beside['history_rows']} edit-log rows took {merged:.2f} s, {unlogged:.2f} s "
                    f"without ({nolog['history_rows']} rows); the whole import "
                    f"{beside['import_s']:.1f} s against {nolog['import_s']:.1f} s."
                )
            last = results[("after", "import")][-1]
            notes.append(f"Refresh phases of the last after run (s): {json.dumps(last['phases'])}.")
            if last.get("profiles_phases"):
                notes.append(
                    "Then its per-profile facts (s): " + json.dumps(last["profiles_phases"]) + "."
                )
        if ("after", "cli") in results:

            def fresh(r: dict) -> float:
                return r["import_s"] + r["refresh_s"] + r["profiles_s"]

            parts = []
            for code in ("before", "after"):
                if (code, "cli") in results:
                    runs = results[(code, "cli")]
                    ahead = sum(bool(r.get("ahead")) for r in runs)
                    parts.append(
                        f"{code}: the kind's own figures {median_of(code, 'cli', total):.1f} s, "
                        f"every figure fresh {median_of(code, 'cli', fresh):.1f} s "
                        f"(per-profile facts computed ahead in {ahead} of {len(runs)} runs)"
                    )
            every = median_of("after", "cli", fresh)
            notes.append(
                "Imported as the CLI and the job queue run it (the rows, the kind's own "
                "figures and its per-profile facts each committed), medians: "
                + "; ".join(parts)
                + "; target < 15 s for every figure: "
                + ("**met**." if every < 15 else "**not met**.")
            )
            last = results[("after", "cli")][-1]
            notes.append(
                "Last after run as the CLI runs it, per-profile step phases (s): "
                + json.dumps(last.get("profiles_phases"))
                + f"; computed ahead on the second connection in {last.get('ahead_s')} s."
            )
        facts["loads"] = f"{min(loads):.1f}–{max(loads):.1f}"
        facts["notes"] = notes
        text_ = section(rows, facts)
    finally:
        if not keep:
            cluster.stop()
            shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
    print(text_)
    if not args.no_write:
        replace_section(OUT, text_)
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
