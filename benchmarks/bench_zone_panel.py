#!/usr/bin/env python3
"""The territory panel's white zones: stored zone rows against the member recount.

The panel (and the fiche) lists each kind's white zones of the territory (rule « any »,
stored figures; a commune's panel reads its département's whole list to find its zone).
Since issue #14 each zone's whole figures come from its analysis_zone row
(white_zones_stored.sql); `recount=True` is the earlier path, which sums them again over
every member of every zone touching the territory (up to 13,000 communes on all of France).
Both are asked the panel's exact calls, interleaved in the same run (baseline = recount),
and their answers checked equal. Median over REPEAT rounds (all kinds with data per round).

    .venv/bin/python -m benchmarks.bench_zone_panel            # the bundled data
    GEOCOOP_BENCH_PGDATA=/tmp/pg .venv/bin/python -m benchmarks.bench_zone_panel
        # all of France: the national cluster of benchmarks.bench_interactive (built there)

Writes its marked section of docs/performance-interactive.md.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from sqlalchemy import Connection, text

from benchmarks.sections import replace_marked

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "performance-interactive.md"
REPEAT = int(os.environ.get("GEOCOOP_BENCH_REPEAT", "5"))
START, END = "<!-- bench_zone_panel:{}:start -->", "<!-- bench_zone_panel:{}:end -->"
BIGGEST = (
    "SELECT t.region_code, t.departement_code, t.epci_code, t.code FROM analysis_commune_kind a "
    "JOIN territory t ON t.level = 'commune' AND t.code = a.commune_code "
    "WHERE (a.kind_code, a.zone_id) = (SELECT kind_code, zone_id FROM analysis_commune_kind "
    "  WHERE zone_id IS NOT NULL GROUP BY kind_code, zone_id ORDER BY count(*) DESC LIMIT 1) "
    "ORDER BY t.population DESC NULLS LAST, t.code LIMIT 1"
)


def cases(conn: Connection) -> list[tuple[str, str, str, int]]:
    """(label, level, code, limit): the panels around the largest white zone's main commune."""
    region, dep, epci, commune = conn.execute(text(BIGGEST)).one()
    return [
        (f"panel région {region}", "region", region, 5),
        (f"panel département {dep}", "departement", dep, 5),
        (f"panel EPCI {epci}", "epci", epci, 5),
        (f"panel commune {commune} (its département's list)", "departement", dep, 1000),
    ]


def measure(conn: Connection) -> list[tuple[str, float, float, int]]:
    """(label, recount median ms, stored median ms, zones listed) per panel shape."""
    from geocoop.analysis import zones
    from geocoop.analysis.data_status import data_status

    kinds = [k for k, s in sorted(data_status(conn).items()) if s["has_data"]]
    rows = []
    for label, level, code, limit in cases(conn):
        samples: dict[bool, list[float]] = {True: [], False: []}
        listed = 0
        for _ in range(REPEAT):
            answers = {}
            for recount in (True, False):
                start = time.perf_counter()
                answers[recount] = [
                    zones.white_zones(
                        conn,
                        kind=k,
                        rule="any",
                        limit=limit,
                        parent_code=code,
                        parent_level=level,
                        with_geometry=False,
                        recount=recount,
                    )
                    for k in kinds
                ]
                samples[recount].append(time.perf_counter() - start)
            if answers[True] != answers[False]:
                raise SystemExit(f"{label}: the stored rows and the recount disagree")
            listed = sum(len(a) for a in answers[False])
        old, new = (1000 * statistics.median(samples[r]) for r in (True, False))
        rows.append((label, old, new, listed))
        print(
            f"{label:52s} recount {old:8.1f} ms  stored rows {new:8.1f} ms  "
            f"× {old / new:.2f}  ({listed} zones)",
            flush=True,
        )
    return rows


def statements(conn: Connection) -> list[tuple[str, str, float, float, float, float]]:
    """The two statements alone, largest zone's kind, with parallel workers allowed or not.

    (label, kind, recount ms, stored ms, recount serial ms, stored serial ms): median of
    REPEAT runs, interleaved. On a loaded machine, starting a parallel worker can cost more
    than the whole serial statement; `max_parallel_workers_per_gather = 0` shows that part.
    """
    from geocoop.analysis.zones import white_zones_statement
    from geocoop.sql import fragment

    kind = conn.execute(
        text(
            "SELECT kind_code FROM analysis_commune_kind WHERE zone_id IS NOT NULL "
            "GROUP BY kind_code, zone_id ORDER BY count(*) DESC LIMIT 1"
        )
    ).scalar()
    recount = white_zones_statement(fragment("analysis/zones_members_stored"))
    stored = white_zones_statement()
    rows = []
    for label, level, code, limit in cases(conn):
        params = {
            "kind": kind,
            "rule": "any",
            "limit": limit,
            "with_geometry": False,
            "split": False,
            "parent_level": level,
            "parent_code": code,
        }
        figures = []
        for workers in (None, 0):
            if workers == 0:
                conn.execute(text("SET max_parallel_workers_per_gather = 0"))
            samples: dict[int, list[float]] = {0: [], 1: []}
            for _ in range(REPEAT):
                for i, sql in enumerate((recount, stored)):
                    start = time.perf_counter()
                    conn.execute(sql, params).all()
                    samples[i].append(1000 * (time.perf_counter() - start))
            figures += [statistics.median(samples[0]), statistics.median(samples[1])]
            conn.execute(text("RESET max_parallel_workers_per_gather"))
        rows.append((label, kind, *figures))
        print(
            f"{label:52s} statement alone ({kind}): recount {figures[0]:.1f} / stored "
            f"{figures[1]:.1f} ms; serial {figures[2]:.1f} / {figures[3]:.1f} ms",
            flush=True,
        )
    return rows


def section(name: str, title: str, conn: Connection, rows: list, alone: list, loads: tuple) -> str:
    """The marked Markdown section of one data set."""
    communes, zone_rows = conn.execute(
        text(
            "SELECT (SELECT count(*) FROM territory WHERE level = 'commune'), "
            "(SELECT count(*) FROM analysis_zone)"
        )
    ).one()
    lines = [
        START.format(name),
        f"### White zones of the panel: stored zone rows vs member recount — {title}",
        "",
        f"`benchmarks/bench_zone_panel.py` ({communes:,} communes, {zone_rows:,} stored white "
        f"zones), {REPEAT} rounds, each the panel's white-zone calls for every kind with data "
        "(rule « any », limit 5; a commune's panel: its département's list, limit 1000), "
        "baseline (*recount*: the earlier path, whole-zone figures summed over every member) "
        "and *stored rows* (analysis_zone) interleaved in the same run, answers checked "
        f"equal. Median ms. Load average at start / end: {loads[0]:.1f} / {loads[1]:.1f} "
        "(2 cores shared).",
        "",
        "| panel | zones listed | recount ms | stored rows ms | recount ÷ stored |",
        "|---|---|---|---|---|",
        *(
            f"| {label} | {n} | {old:.1f} | {new:.1f} | {old / new:.2f} |"
            for label, old, new, n in rows
        ),
        "",
        "The statement alone (the kind of the largest zone; no per-call checks), parallel "
        "workers allowed (the default) and forbidden (`max_parallel_workers_per_gather = 0`, "
        "same connection): on this loaded machine, starting a worker can cost more than the "
        "whole serial statement of a small parent.",
        "",
        "| panel | kind | recount ms | stored rows ms | recount ÷ stored "
        "| recount serial ms | stored serial ms | recount ÷ stored (serial) |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {label} | {kind} | {a:.1f} | {b:.1f} | {a / b:.2f} | {c:.1f} | {d:.1f} "
            f"| {c / d:.2f} |"
            for label, kind, a, b, c, d in alone
        ),
        END.format(name),
    ]
    return "\n".join(lines)


def run(engine, name: str, title: str) -> None:
    """Measure on `engine`'s database and write the section."""
    with engine.connect() as conn:
        load = os.getloadavg()[0]
        rows = measure(conn)
        alone = statements(conn)
        text_ = section(name, title, conn, rows, alone, (load, os.getloadavg()[0]))
    replace_marked(OUT, text_, START.format(name), END.format(name))
    print(f"wrote {OUT.relative_to(ROOT)} ({name})")


def main() -> int:
    """The bundled data, or all of France with GEOCOOP_BENCH_PGDATA."""
    keep = os.environ.get("GEOCOOP_BENCH_PGDATA")
    if keep:
        from geocoop.config import load_settings
        from geocoop.db import make_engine, upgrade
        from geocoop.embedded import EmbeddedCluster

        cluster = EmbeddedCluster(Path(keep), "geocoop", fast=True)
        if not cluster.is_initialised():
            print(f"{keep}: no cluster; build it with benchmarks.bench_interactive first")
            return 1
        cluster.start()
        engine = make_engine(
            cluster.url("geocoop"),
            load_settings({"pool_size": 2, "statement_timeout_ms": 600000}),
        )
        upgrade(engine)
        run(engine, "france", "all of France")
        engine.dispose()
        return 0
    from benchmarks.throwaway import throwaway_database
    from geocoop.orchestration import load_bundled

    with throwaway_database("gczp-") as (_cluster, engine):
        for _line in load_bundled(engine, ROOT / "data"):
            pass
        run(engine, "bundled", "bundled data (Bretagne, La Réunion)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
