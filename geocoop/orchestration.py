"""The one place that calls both ingest and analysis.

The faces (the `geocoop` commands) and the upload job queue (`geocoop.jobs`, fed by the
upload API and the admin page) call these functions; `geocoop.ingest` and
`geocoop.analysis` never call each other, nor the features layer. After every write that
changes served data, the counts and extents of the served collections are stored here too
(`geocoop.features.summary`), in the writer's transaction, so that no request ever counts
a whole collection or computes an extent.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from geocoop.analysis import bundled as analysis_bundled
from geocoop.analysis.pending import clear_pending, mark_pending, pending_kinds
from geocoop.analysis.refresh import (
    ProfileFactsAhead,
    analysis_computed,
    kinds_current,
    precompute_profile_facts,
    profiles_deferrable,
    refresh_all,
    refresh_for_cooperation,
    refresh_kinds,
    refresh_profile_facts,
    refresh_written,
    written_rows,
)
from geocoop.features.summary import (
    collections_changed_by_cooperation,
    collections_changed_by_refresh,
    collections_changed_by_rows,
    refresh_summaries,
    summaries_current,
    white_zone_collections,
)
from geocoop.features.version import defer_bumps
from geocoop.ingest import bundled as ingest_bundled
from geocoop.ingest.boundaries import ingest_boundaries
from geocoop.ingest.cooperations import import_cooperations
from geocoop.ingest.locate import TerritoryIndex
from geocoop.ingest.report import IngestReport

if TYPE_CHECKING:
    from geocoop.auth import Principal


def _with_summaries(conn: Connection, report: dict, changed: set[str] | None = None) -> dict:
    started = time.perf_counter()
    report["summaries"] = refresh_summaries(conn, changed)
    report.setdefault("phases", {})["summaries"] = round(time.perf_counter() - started, 4)
    return report


def refresh_analysis(conn: Connection) -> dict:
    """Recompute every stored analysis figure, then the collections' counts and extents.

    Recompute every stored analysis figure (geocoop.analysis.api.refresh_all), then the
    stored counts and extents of every collection; returns the refresh report. No kind is
    left « being recomputed ».
    """
    defer_bumps(conn)
    report = refresh_all(conn)
    # before the summaries: emptying analysis_pending bumps the data version, which would
    # leave them describing an older version (every request then recounting)
    clear_pending(conn)
    return _with_summaries(conn, report)


def _changed_collections(report: dict, kinds: list[str], rows_stored: bool) -> set[str] | None:
    """What a refresh of `kinds` changed: None (all) when coverage rows came or went.

    With `rows_stored`, the writer already stored the counts of its rows' own collections
    (`collections_changed_by_rows`) before committing them: not recomputed again.
    """
    if report["coverage_rows_changed"]:
        return None
    if rows_stored:
        changed = collections_changed_by_refresh(kinds)
    else:
        changed = collections_changed_by_cooperation(kinds)
    if report.get("zone_outlines_changed") is False:
        # no outline written nor removed (a row by row refresh says so): their collections'
        # rows and geometries are as stored, so are their counts and extents
        changed -= white_zone_collections(kinds)
    return changed


def refresh_analysis_for_kinds(
    conn: Connection, kinds: list[str], *, rows_stored: bool = False, profiles_later: bool = False
) -> dict:
    """Recompute the stored figures of `kinds` only, then the counts and extents.

    Recompute the stored figures of `kinds` only (geocoop.analysis.refresh.refresh_kinds),
    or everything when nothing was ever computed; then the stored counts and extents of the
    collections those kinds can change (all of them when coverage rows were added or
    removed: a kind computed for the first time, or left without data; with `rows_stored`,
    not those of the rows, stored by their writer). With `profiles_later`, the per-profile
    facts of kinds with several profiles are left to `refresh_profile_facts` (the report's
    "profiles_later" names them).
    """
    if not analysis_computed(conn):
        return refresh_analysis(conn)
    defer_bumps(conn)
    report = refresh_kinds(conn, kinds, profiles_later=profiles_later)
    changed = _changed_collections(report, report["kinds"], rows_stored)
    clear_pending(conn, kinds)  # first: it bumps the data version the summaries record
    return _with_summaries(conn, report, changed)


def refresh_analysis_for_cooperation(conn: Connection, cooperation_id: int) -> dict:
    """Refresh the stored figures after one cooperation changed, then the counts.

    Bring the stored figures up to date after one cooperation changed
    (geocoop.analysis.api.refresh_for_cooperation), then the stored counts of the collections that
    change could touch (all of them when coverage rows were added or removed: a kind computed for
    the first time, or left without data); returns the refresh report.
    """
    defer_bumps(conn)
    report = refresh_for_cooperation(conn, cooperation_id)
    changed = None
    if not report["coverage_rows_changed"]:
        changed = collections_changed_by_cooperation(report["kind_codes"])
    return _with_summaries(conn, report, changed)


def refresh_analysis_for_written(
    conn: Connection, written: list[tuple[int, set[str]]], *, rows_stored: bool = False
) -> dict:
    """Refresh after a small import row by row, then the counts and extents.

    Refresh the stored figures after a small import, row by row
    (geocoop.analysis.refresh.refresh_written), then the counts of the collections those
    rows' kinds can change (with `rows_stored`, not those of the rows, stored by their
    writer); their kinds are no longer « being recomputed ».
    """
    defer_bumps(conn)
    report = refresh_written(conn, written)
    changed = _changed_collections(report, report["kinds"], rows_stored)
    clear_pending(conn, report["kinds"])  # first: it bumps the data version
    return _with_summaries(conn, report, changed)


def import_then_refresh(
    conn: Connection,
    core: Callable[..., IngestReport],
    path: Path,
    *,
    refresh: bool = True,
    on_step: Callable[[str], None] | None = None,
    commit_between: bool = False,
    defer_refresh: bool = False,
    profiles_later: bool | None = None,
    session_setup: Callable[[Connection], object] | None = None,
    **options,
) -> tuple[IngestReport, dict | None]:
    """Run an import, then refresh the stored analysis in the same transaction.

    Run the import `core(conn, path, **options)`, then — after a real import that
    accepted rows, unless `refresh` is off — refresh the stored analysis on the same
    connection. A real import always stores the collections' new counts and extents.

    By default the figures land (or roll back) with the rows in the caller's transaction.
    With `commit_between` (the CLI and the job queue, which own `conn`), the rows commit
    first with their kinds marked « being recomputed » (analysis_pending), and the refresh
    of those kinds runs in a short transaction of its own that clears the mark: a long
    refresh holds neither the rows back nor their locks, the rows are never half-visible,
    and meanwhile every figure of those kinds says it is being recomputed. Should the
    refresh fail, the rows stay, still marked, until the next refresh of their kinds (an
    import of them, or `geocoop analyze`).

    With `commit_between`, the refresh also covers the kinds other writers left « being
    recomputed » (`analysis_pending`), and `defer_refresh` (the job queue, when more
    uploads wait behind this one) stops after the rows' commit: the kinds stay marked, and
    the refresh of the last job of the burst (or the writer, once the queue is empty:
    `refresh_pending`) recomputes them once for all.

    `profiles_later` (by default with `commit_between`): a by-kind refresh stores the
    kinds' own figures (coverage, white zones, roll-ups, counts), commits them with
    `commit_between`, then recomputes the per-profile facts of kinds with several profiles
    (PAT) in a step of its own (`on_step("profiles")` before it; its report under
    "profile_facts_step"), committed in turn: meanwhile only their stage/category/model filters
    say « en cours de recalcul », answered from their last facts.

    `session_setup(connection)`: called on any other connection the import opens (the
    per-profile facts computed meanwhile), as the caller set up `conn` (the job queue:
    background priority); such a connection is then closed, not pooled.

    Returns the import report and the refresh figures (None when nothing was refreshed;
    {"deferred": kinds} when deferred). `on_step("refresh")` is called before the refresh
    (a job's progress; with `commit_between`, after the rows' commit).
    """
    if profiles_later is None:
        profiles_later = commit_between
    defer_bumps(conn)  # an import and its refresh move the version once each, at the end
    report = core(conn, path, **options)
    refreshed = None
    if report.counts.get("dry_run"):
        return report, None
    touched = report.counts.get("kinds_touched")
    if refresh and touched and _changed_nothing(conn, report, touched):
        # the same file again: no row written, and the stored figures are already those
        # of these rows (a national list re-imported would otherwise recompute its kinds)
        return report, {"kinds": touched, "unchanged": True, "seconds": 0.0}
    if refresh and report.accepted:
        # Coverage and white zones are stored: the map must show the new rows at once.
        # An import changes only the kinds of its rows (counts.kinds_touched): those are
        # recomputed, the others kept; a few rows over current figures only where they
        # reach (a 1-row upload: its communes, not its kinds over all of France).
        written = written_rows(conn, report.counts.get("run_id")) if touched else None
        if report.counts.get("partnerships"):
            written = None  # links between other rows: their kinds' synergies
        if commit_between:
            if touched:
                mark_pending(conn, touched)
                # the cooperation layers count the new rows at once; analysis ones follow
                # (after the refresh, which then leaves the rows' own collections alone)
                refresh_summaries(conn, collections_changed_by_rows(touched))
            else:
                refresh_summaries(conn)
            conn.commit()
            defer_bumps(conn)
            if defer_refresh and touched:
                return report, {"deferred": sorted(touched)}
            if touched:  # and what deferred jobs (or a crashed refresh) left behind
                touched = sorted(set(touched) | set(pending_kinds(conn)))
            if written is not None and not set(pending_kinds(conn)) <= set(touched or []):
                written = None
        if on_step is not None:
            on_step("refresh")
        # with commit_between, the rows' own collections were stored before their commit
        rows_stored = commit_between and bool(touched)
        ahead = None  # the per-profile facts computed meanwhile on another connection
        if written is not None and set().union(*(k for _i, k in written)) >= set(touched or []):
            refreshed = refresh_analysis_for_written(conn, written, rows_stored=rows_stored)
        elif touched:
            if commit_between and profiles_later:
                ahead = _profile_facts_ahead(conn, touched, session_setup)
            refreshed = refresh_analysis_for_kinds(
                conn, touched, rows_stored=rows_stored, profiles_later=profiles_later
            )
        else:
            refreshed = refresh_analysis(conn)
        if commit_between:
            conn.commit()
        if refreshed.get("profiles_later"):
            if commit_between:
                defer_bumps(conn)  # the profile facts move the version once, at their commit
            if on_step is not None:
                on_step("profiles")
            later = refresh_profile_facts(
                conn, refreshed["profiles_later"], ahead=_result(ahead)
            )
            # no collection's count or extents depend on per-profile facts: restamped, not
            # recounted, so that they stay current for the version this step publishes
            refresh_summaries(conn, set())
            refreshed["profile_facts_step"] = later
            if commit_between:
                conn.commit()
    else:
        refresh_summaries(conn)  # counts and extents of the served collections
    return report, refreshed


def _profile_facts_ahead(
    conn: Connection, kinds: list[str], session_setup: Callable[[Connection], object] | None
) -> Future | None:
    """The per-profile facts of `kinds`, computed on another connection meanwhile.

    With `commit_between` the rows are committed: while this connection refreshes the
    kinds' own figures (one core), another computes their per-profile facts from the same
    rows (`precompute_profile_facts`, on a second core), which the profile step then
    stores once it has checked the data is unchanged. None with one core, or no such kind.
    """
    affinity = getattr(os, "sched_getaffinity", None)  # Linux; elsewhere every core
    if (len(affinity(0)) if affinity else os.cpu_count() or 1) < 2:
        return None
    later = profiles_deferrable(conn, kinds)
    if not later:
        return None
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geocoop-profiles")
    future = executor.submit(precompute_profile_facts, conn.engine, later, session_setup)
    executor.shutdown(wait=False)
    return future


def _result(future: Future | None) -> ProfileFactsAhead | None:
    """What `_profile_facts_ahead` computed, or None when it failed (the step computes it)."""
    if future is None:
        return None
    try:
        return future.result()
    except Exception:  # noqa: BLE001 — the profile step then computes the facts itself
        logging.getLogger(__name__).exception("per-profile facts computed ahead failed")
        return None


def _changed_nothing(conn: Connection, report: IngestReport, kinds: list[str]) -> bool:
    """Whether an import wrote no row and the stored figures of `kinds` are current."""
    counts = report.counts
    wrote = counts.get("inserted", 1) or counts.get("updated", 1) or counts.get("partnerships")
    return not wrote and kinds_current(conn, kinds)


def refresh_pending(conn: Connection) -> dict | None:
    """Refresh the kinds left « being recomputed » (deferred jobs); None when there are none.

    The caller commits.
    """
    kinds = sorted(pending_kinds(conn))
    if not kinds:
        return None
    return refresh_analysis_for_kinds(conn, kinds)


@dataclass
class BatchImport:
    """What a batch of cooperation files did: one outcome per file, the kinds to refresh."""

    outcomes: list[IngestReport | BaseException]  # a report, or why the file was refused
    touched: list[str]  # kinds of the accepted rows (« being recomputed » once committed)
    refresh: bool  # whether the figures must be recomputed (False: nothing, or unchanged)


def import_cooperation_batch(
    conn: Connection,
    items: Sequence[dict],
    *,
    on_item: Callable[[int, str], None] | None = None,
) -> BatchImport:
    """Import several cooperation files in one transaction; commits their rows together.

    `items` are the keyword options of `import_cooperations`, each with its `path`. Each file
    runs in a savepoint of its own: a file refused as a whole, a memory error or a database
    error that leaves the session usable rolls back its own rows only, and its outcome is
    the exception; a lost connection propagates (nothing of the batch is kept). The
    territory lookup index is loaded once for all. Then, as `import_then_refresh` with
    `commit_between`: the accepted rows commit with their kinds marked « being
    recomputed » and the cooperation layers' counts stored; the caller refreshes the kinds
    (`refresh_after_batch`) or leaves them to the next batch. `on_item(i, "start")` and
    `on_item(i, "end")` frame each file (a job's progress and times).
    """
    defer_bumps(conn)
    territories = TerritoryIndex.load(conn)
    outcomes: list[IngestReport | BaseException] = []
    for i, item in enumerate(items):
        options = dict(item)
        path = Path(options.pop("path"))
        if on_item is not None:
            on_item(i, "start")
        savepoint = conn.begin_nested()
        try:
            outcomes.append(import_cooperations(conn, path, territories=territories, **options))
            savepoint.commit()
        except DBAPIError as exc:
            if exc.connection_invalidated or conn.invalidated:
                raise
            if isinstance(exc.orig, psycopg.OperationalError) and not isinstance(
                exc.orig, psycopg.errors.QueryCanceled
            ):
                raise  # the server went away: the whole batch is run again
            savepoint.rollback()
            outcomes.append(exc)
        except (Exception, MemoryError) as exc:  # refused file, or over the memory cap
            savepoint.rollback()
            outcomes.append(exc)
        if on_item is not None:
            on_item(i, "end")
    reports = [o for o in outcomes if isinstance(o, IngestReport)]
    accepted = [r for r in reports if r.accepted]
    touched = sorted({k for r in accepted for k in r.counts.get("kinds_touched") or ()})
    refresh = bool(accepted)
    if touched and all(_changed_nothing(conn, r, touched) for r in accepted):
        refresh = False  # the same files again: the stored figures are already theirs
    if refresh and touched:
        mark_pending(conn, touched)
        refresh_summaries(conn, collections_changed_by_rows(touched))  # analysis ones follow
    elif refresh or (reports and not accepted):
        refresh_summaries(conn)  # as a lone import does; unchanged files store nothing
    conn.commit()
    return BatchImport(outcomes, touched, refresh)


def refresh_after_batch(conn: Connection, batch: BatchImport) -> dict:
    """Refresh what a committed batch touched, and what earlier batches left pending; commits."""
    if batch.touched:
        kinds = sorted(set(batch.touched) | set(pending_kinds(conn)))
        # the rows' own collections were stored with them (and by the pending kinds' writers)
        refreshed = refresh_analysis_for_kinds(conn, kinds, rows_stored=True)
    else:
        refreshed = refresh_analysis(conn)
    conn.commit()
    return refreshed


def import_cooperations_then_refresh(
    conn: Connection, path: Path, *, refresh: bool = True, **options
) -> tuple[IngestReport, dict | None]:
    """Import a cooperation list, then refresh the stored analysis in the same transaction."""
    return import_then_refresh(conn, import_cooperations, path, refresh=refresh, **options)


def import_partnerships_then_refresh(
    conn: Connection, path: Path, *, refresh: bool = True, **options
) -> tuple[IngestReport, dict | None]:
    """Import declared partnerships, then refresh the stored analysis in the same transaction."""
    from geocoop.ingest.partnerships import import_partnerships

    return import_then_refresh(conn, import_partnerships, path, refresh=refresh, **options)


def import_boundaries(conn: Connection, paths: Sequence[Path | str], **options) -> IngestReport:
    """Import boundary files, then store the collections' counts and extents.

    Import boundary files (geocoop.ingest.boundaries.ingest_boundaries), then store the
    collections' counts and extents unless the files were already imported.
    """
    report = ingest_boundaries(conn, paths, **options)
    if not report.counts.get("skipped"):
        refresh_summaries(conn)
    return report


def load_bundled(engine: Engine, data_dir: Path) -> Iterator[str]:
    """Load the bundled real data, then compute the stored analysis over it.

    Load the bundled real data of `data_dir`, then compute the stored analysis over it
    and the collections' counts and extents; yield progress lines. Each step skips itself
    when its work is already done.
    """
    yield from ingest_bundled.load_bundled_data(engine, Path(data_dir))
    yield from analysis_bundled.load_bundled(engine, Path(data_dir))
    with engine.begin() as conn:
        if summaries_current(conn):
            return
        stored = refresh_summaries(conn)
    yield f"Couches : nombres d'objets et emprises de {stored} collections enregistrés."


# The real national lists of ../shared/data/cooperations: (file, kind, mapping in data/mappings)
NATIONAL_LISTS = (
    ("tiers-lieux-cget-2019/CGET_TiersLieux_2019.csv", "tiers_lieu", None),
    ("france-services/liste-fs-20240801.csv", "france_services", None),
    ("pat-france-2025/pats-axe-gouvernance-20250710-win1252.csv", "pat", "pat-france-2025.yaml"),
)


def import_national_lists(conn: Connection, shared_data: Path, mappings_dir: Path) -> None:
    """Import the real national lists of `shared_data` (all of France), analysis not refreshed.

    Tiers-lieux 2019, France services 2024 and the 460 PAT (with their mapping from
    `mappings_dir`). The boundaries must be loaded; the caller refreshes the analysis.
    """
    lists = Path(shared_data) / "cooperations"
    for file, kind, mapping in NATIONAL_LISTS:
        import_cooperations_then_refresh(
            conn,
            lists / file,
            kind=kind,
            mapping=Path(mappings_dir) / mapping if mapping else None,
            allow_join=True,
            refresh=False,
        )


def validate_proposal_then_refresh(
    conn: Connection, principal: Principal, proposal_id: int
) -> dict:
    """A moderator validates a pending proposal of its scope.

    The cooperation is created through the import path (geocoop.ingest.record: same checks, located
    in PostGIS, source "propositions"), the decision and the creation are logged, and the stored
    analysis is refreshed for that cooperation — all in the caller's transaction.
    """
    from geocoop.audit import record_change
    from geocoop.ingest import proposals
    from geocoop.ingest.edits import snapshot
    from geocoop.ingest.record import import_record

    proposal = proposals.proposal_in_scope(conn, principal, proposal_id)
    cooperation_id, report = import_record(
        conn,
        proposals.import_values(proposal),
        kind=proposal["kind_code"],
        source=proposals.SOURCE,
        source_id=f"p{proposal_id}",
        actor=f"{principal.organisation or 'admin'}/{principal.name}",
    )
    proposals.mark_decided(conn, principal, proposal, "validated", cooperation_id=cooperation_id)
    record_change(
        conn,
        actor=principal,
        action="create",
        entity="cooperation",
        entity_id=cooperation_id,
        after=snapshot(conn, cooperation_id),
        via="proposal",
    )
    refreshed = refresh_analysis_for_cooperation(conn, cooperation_id)
    return {
        "id": proposal_id,
        "status": "validated",
        "cooperation_id": cooperation_id,
        "run_id": report.counts.get("run_id"),
        "refresh": {k: refreshed.get(k) for k in ("kind_codes", "coverage_rows_changed")},
    }


def edit_cooperation_then_refresh(
    conn: Connection, principal: Principal, cooperation_id: int, patch: object
) -> dict:
    """An editor's change to a cooperation of its scope, then the refresh.

    An editor's change to a cooperation of its scope (geocoop.ingest.edits), logged,
    then the stored analysis refreshed for it when something changed.
    """
    from geocoop.ingest.edits import edit_cooperation

    result = edit_cooperation(conn, principal, cooperation_id, patch)
    if result["after"] != result["before"]:
        refresh_analysis_for_cooperation(conn, cooperation_id)
    return result


def purge_caches(cache_urls: str) -> list:
    """After a committed write, ban the stale answers in each shared HTTP cache.

    `cache_urls` is comma-separated (GEOCOOP_CACHE_PURGE_URLS; geocoop.features.purge).
    Nothing to do without caches; returns each cache's answer.
    """
    from geocoop.features.purge import send_bans

    caches = [u.strip() for u in cache_urls.split(",") if u.strip()]
    return send_bans(caches) if caches else []


def write_feature_then_refresh(
    conn: Connection, operation: str, principal: Principal, *args, **kwargs
) -> dict:
    """One OGC API – Features – Part 4 write on `cooperations` (`operation`.

    Create, replace, update, delete; geocoop.ingest.feature_writes), logged, then the stored
    analysis refreshed for that cooperation when something changed — the incremental path, in
    the caller's transaction. Returns {id, before, after}.
    """
    from geocoop.ingest import feature_writes

    write = {
        "create": feature_writes.create_feature,
        "replace": feature_writes.replace_feature,
        "update": feature_writes.update_feature,
        "delete": feature_writes.delete_feature,
    }[operation]
    result = write(conn, principal, *args, **kwargs)
    if result["after"] != result["before"]:
        refresh_analysis_for_cooperation(conn, result["id"])
    return result


def revert_change_then_refresh(conn: Connection, principal: Principal, change_id: int) -> dict:
    """Undo one logged change of a cooperation, then refresh.

    Undo one logged change of a cooperation (geocoop.ingest.revert), logged as a revert, then
    the stored analysis refreshed for that cooperation.
    """
    from geocoop.ingest.revert import revert_change

    result = revert_change(conn, principal, change_id)
    refresh_analysis_for_cooperation(conn, result["id"])
    return result


def preview_feature_write(
    conn: Connection, operation: str, principal: Principal, *args, **kwargs
) -> dict:
    """What a Part 4 write would change in coverage, without keeping it.

    The write and the real incremental refresh run inside a savepoint that is rolled back, so
    the preview follows exactly the rules of the stored analysis (geocoop.analysis.preview).
    Returns {id, before, after, coverage: {kind: {gained, lost}}}.
    """
    from geocoop.analysis.preview import coverage_difference, covered_communes

    with conn.begin_nested() as savepoint:
        result = write_feature_then_refresh(conn, operation, principal, *args, **kwargs)
        kinds = sorted(
            {s["kind_code"] for s in (result["before"], result["after"]) if s is not None}
        )
        after = covered_communes(conn, kinds)
        savepoint.rollback()
    before = covered_communes(conn, kinds)
    return {**result, "coverage": coverage_difference(before, after)}


def merge_then_refresh(conn: Connection, principal: Principal, keep_id: int, drop_id: int) -> dict:
    """Merge two cooperations, then refresh the analysis for both.

    Merge two cooperations (geocoop.ingest.merge), logged, then the stored analysis refreshed
    for both (the dropped one leaves its communes).
    """
    from geocoop.ingest.merge import merge_cooperations

    result = merge_cooperations(conn, principal, keep_id, drop_id)
    refresh_analysis_for_cooperation(conn, drop_id)
    refresh_analysis_for_cooperation(conn, keep_id)
    return result
