"""Stored figures: full recompute and incremental refresh after one cooperation changes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from geocoop.analysis import compute, facts, incremental, synergy, zones
from geocoop.analysis.data_status import data_status
from geocoop.analysis.params import kind_table
from geocoop.analysis.pending import (
    clear_profiles_pending,
    mark_profiles_pending,
    profiles_pending,
)
from geocoop.db import set_local_statement_timeout
from geocoop.sql import sql_source, statement


def _record(
    conn: Connection, scope: str, coop_id: int | None, seconds: float, report: dict
) -> None:
    conn.execute(
        statement("analysis/run_record"),
        {"s": scope, "c": coop_id, "t": seconds, "r": json.dumps(report)},
    )


def _snapshot(conn: Connection, coop_id: int | None = None) -> None:
    params = {"i": coop_id}
    conn.execute(statement("analysis/snapshot_delete"), params)
    conn.execute(statement("analysis/snapshot_insert"), params)


class _Laps:
    """Seconds per phase of a refresh (its report's "phases")."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(now - self.last, 3)
        self.last = now

    def total(self) -> float:
        return round(time.perf_counter() - self.started, 3)


def _compute_with_zones(conn: Connection, kinds: list[str], lap: _Laps) -> dict[str, int]:
    """analysis_work for `kinds` with their white zones; returns the zone count per kind.

    A batch job: the web's statement timeout does not apply to it.
    """
    set_local_statement_timeout(conn, 0)
    compute.compute(conn, kinds)
    lap("coverage")
    adjacency = zones.ensure_adjacency(conn)
    lap("adjacency" + ("_rebuilt" if adjacency["rebuilt"] else "_checked"))
    zone_count = {kind: zones.assign_zones(conn, kind, work=True) for kind in kinds}
    lap("white_zones")
    return zone_count


def refresh_all(conn: Connection) -> dict:
    """Recompute every stored figure.

    Coverage per commune × kind, white zones and their dissolved outlines, synergy candidates.
    Returns {"communes", "kinds", "rows", "kinds_without_data", "white_zones", "zone_outlines",
    "synergy_pairs", "seconds", "phases"}. `geocoop.orchestration.refresh_analysis` also stores the
    collections' counts.
    """
    lap = _Laps()
    with conn.begin_nested():
        every = list(kind_table(conn))
        # no data is not absence: a kind without any placed cooperation gets no stored
        # figure and no white zone (readers say « aucune donnée chargée » instead)
        status = data_status(conn)
        kinds = [k for k in every if status[k]["has_data"]]
        zone_count = _compute_with_zones(conn, kinds, lap)
        conn.execute(statement("analysis/store_truncate"))
        conn.exec_driver_sql(sql_source("analysis/indexes_drop"))
        rows = conn.execute(statement("analysis/store_full")).rowcount
        conn.exec_driver_sql(sql_source("analysis/indexes_create"))
        conn.execute(statement("analysis/store_analyze"))
        lap("store")
        _snapshot(conn)
        pairs = synergy.store_pairs(conn)
        lap("synergy_pairs")
        # every kind: the outlines of a kind that has no data any more are removed
        outlines = zones.store_outlines(conn, every)
        lap("zone_outlines")
        stored_facts = facts.store_all(conn, every)
        clear_profiles_pending(conn)
        lap("rollups_profiles")
        communes = conn.execute(statement("analysis/communes_count")).scalar()
        white_zones = sum(zone_count.values())
        report = {
            "communes": communes,
            "kinds": len(kinds),
            "kinds_without_data": [k for k in every if k not in kinds],
            "rows": rows,
            "white_zones": white_zones,
            "zone_outlines": outlines,
            "synergy_pairs": pairs,
            **stored_facts,
            "seconds": lap.total(),
            "phases": lap.phases,
        }
        _record(conn, "full", None, report["seconds"], report)
    return report


def analysis_computed(conn: Connection) -> bool:
    """Whether a full refresh has stored figures that a partial refresh can build on."""
    return bool(conn.execute(statement("analysis/analysis_computed")).scalar_one())


def kinds_current(conn: Connection, kinds: list[str]) -> bool:
    """Whether the stored figures of `kinds` are those of their cooperations as they are now.

    A refresh covering each kind is recorded, and no cooperation of it was written or
    deleted since: refreshing them again would store the same figures.
    """
    current = conn.execute(statement("analysis/kinds_current"), {"kinds": list(kinds), "run": None})
    return bool(current.scalar())


def profiles_deferrable(conn: Connection, kinds: list[str]) -> list[str]:
    """Those of `kinds` whose per-profile facts can follow in a later step.

    Kinds with several profiles now and stored profiles from an earlier refresh: the
    roll-ups count them either way, and their last per-profile facts answer filters
    meanwhile (a kind seen for the first time has none: computed at once).
    """
    stored = {r[0] for r in conn.execute(statement("analysis/facts_kinds_with_profiles"))}
    now = facts._profiles_now(conn, kinds)
    return sorted(k for k in kinds if k in stored and len(now.get(k, [])) > 1)


def refresh_kinds(conn: Connection, kinds: list[str], *, profiles_later: bool = False) -> dict:
    """Recompute the stored figures of `kinds` only.

    What an import of a list of those kinds can change — leaving the other kinds' rows
    alone. Equal to `refresh_all` for those kinds (tests/test_analysis_by_kind.py); of the
    potential links, those with a cooperation of `kinds` are recomputed. Unknown kind codes
    are ignored. With `profiles_later`, the per-profile facts of kinds with several
    profiles (PAT: three nearest searches over France, half the refresh) are left as they
    were and marked stale (`analysis_profile_pending`, the report's "profiles_later"): the
    caller commits, then runs `refresh_profile_facts`; the result is then the same.
    """
    lap = _Laps()
    with conn.begin_nested():
        known = kind_table(conn)
        kinds = sorted({k for k in kinds if k in known})
        status = data_status(conn)
        with_data = [k for k in kinds if status[k]["has_data"]]
        zone_count = _compute_with_zones(conn, with_data, lap)
        removed = conn.execute(statement("analysis/delete_kinds"), {"kinds": kinds}).rowcount
        rows = conn.execute(statement("analysis/store_full")).rowcount
        conn.execute(statement("analysis/store_analyze"))
        lap("store")
        conn.execute(statement("analysis/snapshot_kinds_delete"), {"kinds": kinds})
        conn.execute(statement("analysis/snapshot_kinds_insert"), {"kinds": kinds})
        pairs = synergy.store_pairs(conn, kinds=kinds)
        lap("synergy_pairs")
        outlines = zones.store_outlines(conn, kinds)
        lap("zone_outlines")
        later = profiles_deferrable(conn, with_data) if profiles_later else []
        stored_facts = facts.refresh_kinds(
            conn, kinds, with_facts=True, profiles_later=frozenset(later)
        )
        clear_profiles_pending(conn, [k for k in kinds if k not in later])
        mark_profiles_pending(conn, later)
        lap("rollups_profiles")
        report = {
            "kinds": kinds,
            "profiles_later": later,
            "kinds_without_data": [k for k in kinds if k not in with_data],
            "rows": rows,
            "rows_removed": removed,
            "coverage_rows_changed": rows != removed,
            "white_zones": sum(zone_count.values()),
            "zone_outlines": outlines,
            "synergy_pairs": pairs,
            **stored_facts,
            "seconds": lap.total(),
            "phases": lap.phases,
        }
        _record(conn, "kinds", None, report["seconds"], report)
    return report


@dataclass
class ProfileFactsAhead:
    """Per-profile facts computed on a connection of their own (`precompute_profile_facts`).

    `inputs`: the digest of what they were computed from (profile_inputs.sql); `rows`:
    `facts.ProfileRows`; `seconds`: how long the computation took.
    """

    kinds: list[str]
    inputs: str
    rows: facts.ProfileRows
    seconds: float


def profile_inputs(conn: Connection, kinds: list[str]) -> str:
    """The digest of what the per-profile facts of `kinds` are computed from."""
    return conn.execute(statement("analysis/profile_inputs"), {"kinds": kinds}).scalar_one()


def precompute_profile_facts(
    engine: Engine,
    kinds: list[str],
    session_setup: Callable[[Connection], object] | None = None,
) -> ProfileFactsAhead:
    """The per-profile facts of `kinds`, computed on a connection of its own, stored nowhere.

    What `refresh_profile_facts` stores, computed from the committed cooperations without
    the kinds' stored nearest points: it can run while the kinds' own figures are being
    refreshed (another core), and the profile step then only stores its rows
    (`refresh_profile_facts(ahead=…)`), after checking that the data is the same.
    `session_setup(connection)` is called first (a job's background priority); that
    connection is then closed rather than pooled.
    """
    started = time.perf_counter()
    # one snapshot for the digest and the computation: a write committed meanwhile changes
    # neither, and the profile step then finds the digest changed
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        if session_setup is not None:
            session_setup(conn)
            conn.commit()
        inputs, rows = _profile_rows(conn, kinds)
        if session_setup is not None:
            conn.invalidate()  # its session settings must not reach a pooled read
    return ProfileFactsAhead(kinds, inputs, rows, round(time.perf_counter() - started, 3))


def _profile_rows(conn: Connection, kinds: list[str]) -> tuple[str, facts.ProfileRows]:
    """The digest of the inputs and the per-profile facts of `kinds`, rolled back."""
    rows: facts.ProfileRows = {}
    with conn.begin() as transaction:
        set_local_statement_timeout(conn, 0)
        inputs = profile_inputs(conn, kinds)
        table = kind_table(conn)
        compute.prepare(conn)
        conn.execute(statement("analysis/load_communes"), {"communes": None})
        for kind, profiles in facts._profiles_now(conn, kinds).items():
            if len(profiles) <= 1:
                continue
            for i in sorted(facts.profiles_read_alone(profiles)):
                category, model, stage, _count = profiles[i]
                facts.compute_profile(
                    conn, kind, table[kind]["service_distance_m"], (category, model, stage),
                    reuse_stored=False,  # the kind's own facts are being refreshed meanwhile
                )  # fmt: skip
                found = conn.execute(statement("analysis/profile_work_rows"), {"k": kind}).all()
                rows[(kind, (category, model, stage))] = (
                    [r[0] for r in found],
                    [r[1] for r in found],
                    [r[2] for r in found],
                )
        transaction.rollback()
    return inputs, rows


def refresh_profile_facts(
    conn: Connection, kinds: list[str] | None = None, *, ahead: ProfileFactsAhead | None = None
) -> dict:
    """The per-profile facts `refresh_kinds(profiles_later=True)` left stale (None: all).

    Run after that refresh's commit, on the kinds' stored facts: each profile's nearest
    searches, its facts stored, the kind's profiles marked fresh. Equal to what the
    by-kind refresh stores in one step (tests/test_profile_facts_later.py). `ahead`
    (`precompute_profile_facts`): its rows are stored instead of searched again when they
    were computed from the same data; the report says "ahead": true then.
    """
    lap = _Laps()
    with conn.begin_nested():
        stale = profiles_pending(conn)
        todo = sorted(k for k in stale if kinds is None or k in kinds)
        if not todo:
            return {"kinds": [], "profile_facts": 0, "seconds": 0.0, "phases": {}}
        set_local_statement_timeout(conn, 0)
        rows = None
        if (
            ahead is not None
            and set(todo) <= set(ahead.kinds)
            and ahead.inputs == profile_inputs(conn, ahead.kinds)
        ):
            rows = ahead.rows
        lap("inputs_checked")
        compute.prepare(conn)
        if rows is None or not _all_ahead(conn, todo, rows):
            conn.execute(statement("analysis/load_communes"), {"communes": None})
            lap("communes")
        stored_facts = facts.refresh_profiles(conn, todo, with_facts=True, ahead=rows)
        conn.execute(statement("analysis/facts_profiles_analyze"))
        clear_profiles_pending(conn, todo)
        lap("profile_facts")
        report = {
            "kinds": todo,
            **stored_facts,
            "ahead": rows is not None,
            "seconds": lap.total(),
            "phases": lap.phases,
        }
        if ahead is not None:
            report["ahead_seconds"] = ahead.seconds
        _record(conn, "profiles", None, report["seconds"], report)
    return report


def _all_ahead(conn: Connection, kinds: list[str], rows: facts.ProfileRows) -> bool:
    """Whether `rows` hold every per-profile fact `facts.refresh_profiles` stores for `kinds`."""
    for kind, profiles in facts._profiles_now(conn, kinds).items():
        if len(profiles) > 1:
            for i in facts.profiles_read_alone(profiles):
                if (kind, tuple(profiles[i][:3])) not in rows:
                    return False
    return True


def _status(conn: Connection, kind: str, communes: list[str]) -> dict[str, tuple[bool, str]]:
    rows = conn.execute(statement("analysis/commune_status"), {"k": kind, "c": communes})
    return {r.commune_code: (bool(r.covered), r.zone_id) for r in rows}


def _refresh_kind(conn: Connection, kind: str, coop_id: int, distance: float) -> dict:
    t0 = time.perf_counter()
    laps: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        laps[name] = round(laps.get(name, 0) + now - t0, 4)
        t0 = now

    if not data_status(conn)[kind]["has_data"]:
        # its last placed cooperation went: no data, so no figure and no zone any more
        cleared = conn.execute(statement("analysis/kind_clear"), {"k": kind}).rowcount
        return {"communes": 0, "zones": 0, "rows_changed": bool(cleared), "recomputed": []}
    if kind not in compute.stored_kinds(conn, [kind]):
        communes = None  # never computed: the whole kind
    else:
        communes = [
            r[0]
            for r in conn.execute(
                statement("analysis/affected_communes"), {"kind": kind, "id": coop_id}
            )
        ]
        if not communes:
            return {"communes": 0, "zones": 0, "recomputed": []}
    before = _status(conn, kind, communes) if communes is not None else {}
    # what the roll-ups read of them: unchanged flags and no nearest grown let the roll-ups
    # lower their nearest only (facts.nearer_only), without a pass over every commune
    facts_before = facts.commune_facts(conn, kind, communes) if communes is not None else {}
    zones.ensure_adjacency(conn, check=False)
    lap("affected")
    compute.compute(conn, [kind], distance_m=distance, communes=communes)
    lap("coverage")
    conn.exec_driver_sql(sql_source("analysis/store_work"))
    lap("store")
    if communes is None:
        zones.assign_zones(conn, kind)
        return {"communes": -1, "zones": -1, "rows_changed": True, "recomputed": None}
    after = {c: cov for c, (cov, _z) in _status(conn, kind, communes).items()}
    nearer = facts.nearer_only(facts_before, facts.commune_facts(conn, kind, communes))
    lap("zone_members")
    result = incremental.update_zones(conn, kind, before, after)
    lap("white_zones")
    return {
        "communes": len(communes),
        "zones": result["zones"],
        "phases": laps,
        "outcome": result["outcome"],
        "recomputed": communes,
        "nearer": nearer,
        # no commune changed its coverage: update_zones kept every zone's members as they
        # were, so the stored outlines need no check (only names, with the new nearest)
        "zones_kept": all(before[c][0] == covered for c, covered in after.items()),
    }


def refresh_for_cooperation(conn: Connection, cooperation_id: int) -> dict:
    """Bring the stored figures up to date after one cooperation changed.

    Bring stored figures up to date after one cooperation was added, moved, edited or
    deleted: only the communes it reaches (before and after) are recomputed, then the white
    zones touching them, their outlines and its synergy pairs. Call it after the write, in the
    same transaction. Returns {"cooperation_id", "communes", "zones", "pairs", "seconds",
    "kind_codes", "coverage_rows_changed", …};
    `geocoop.orchestration.refresh_analysis_for_cooperation` also updates the collections'
    stored counts.
    """
    started = time.perf_counter()
    with conn.begin_nested():
        table = kind_table(conn)
        kinds = {
            r[0]
            for r in conn.execute(statement("analysis/cooperation_kinds"), {"i": cooperation_id})
        }
        touched = {"communes": 0, "zones": 0}
        rows_changed = False  # a kind computed for the first time, or cleared
        phases: dict[str, float] = {}
        outcomes: dict[str, str] = {}
        # the communes recomputed, of any kind (None: a whole kind): only the zones holding
        # one of them can be named differently
        recomputed: set[str] | None = set()
        nearer = True  # every kind's recomputed communes: same flags, none farther
        zones_kept = True  # and no commune changed its coverage (white-zone members kept)
        for kind in sorted(kinds):
            res = _refresh_kind(conn, kind, cooperation_id, table[kind]["service_distance_m"])
            if recomputed is not None and res["recomputed"] is not None:
                recomputed.update(res["recomputed"])
            else:
                recomputed = None
            touched = {k: touched[k] + res[k] for k in touched}
            rows_changed = rows_changed or res.get("rows_changed", False)
            nearer = nearer and res.get("nearer", True)
            zones_kept = zones_kept and res.get("zones_kept", not res.get("rows_changed"))
            outcomes.update(res.get("outcome", {}))
            for name, seconds in res.get("phases", {}).items():
                phases[name] = round(phases.get(name, 0) + seconds, 4)
        t0 = time.perf_counter()
        # only the roll-ups of the territories holding a recomputed commune, unless a kind
        # was computed whole, gained or lost its data
        scoped = None if recomputed is None or rows_changed else sorted(recomputed)
        rollups = facts.refresh_kinds(conn, sorted(kinds), communes=scoped, nearer=nearer)
        phases["rollups"] = round(time.perf_counter() - t0, 4)
        t0 = time.perf_counter()
        _snapshot(conn, cooperation_id)
        pairs = synergy.store_pairs(conn, only_id=cooperation_id)
        phases["synergy_pairs"] = round(time.perf_counter() - t0, 4)
        t0 = time.perf_counter()
        if recomputed is not None and zones_kept:
            named = zones.store_names(conn, sorted(kinds), sorted(recomputed))
            outlines = {"written": 0, "removed": 0, "named": named}
        else:
            outlines = zones.store_outlines(
                conn, sorted(kinds), None if recomputed is None else sorted(recomputed)
            )
        phases["zone_outlines"] = round(time.perf_counter() - t0, 4)
        seconds = round(time.perf_counter() - started, 4)
        report = {
            "cooperation_id": cooperation_id,
            **touched,
            "pairs": pairs,
            "seconds": seconds,
            "phases": phases,
            "zone_outcomes": outcomes,
            # which stored collection counts may have changed (geocoop.orchestration): the
            # kinds touched, and whether coverage rows were added or removed (a kind
            # computed for the first time, or left without data)
            "kind_codes": sorted(kinds),
            "coverage_rows_changed": rows_changed,
            "rollups": rollups["rollups"],  # how they were rewritten: nearer, scoped, kinds
            # no outline dissolved again nor removed: the white-zone collections' counts and
            # extents are unchanged (their names do not count)
            "zone_outlines_changed": bool(outlines["written"] or outlines["removed"]),
        }
        _record(conn, "cooperation", cooperation_id, seconds, report)
    return report


# An import that wrote at most this many rows is refreshed row by row (refresh_written):
# each row's reach instead of its kinds over all of France.
SMALL_IMPORT_ROWS = 20


def written_rows(conn: Connection, run_id: int | None) -> list[tuple[int, set[str]]] | None:
    """The rows an import run wrote, if they can be refreshed one by one; else None.

    Each row with the kinds it is and was in. None when more than SMALL_IMPORT_ROWS were
    written, when the stored figures of those kinds were not current just before the run
    (`kinds_current.sql` with the run: only the written rows may differ), or when one of those
    kinds has several profiles: an incremental refresh leaves its per-profile facts to live
    filters (`facts.refresh_kinds`), which a by-kind refresh keeps stored.
    """
    if run_id is None:
        return None
    rows = conn.execute(statement("analysis/written_by_run"), {"run": run_id}).all()
    if not rows or len(rows) > SMALL_IMPORT_ROWS:
        return None
    written = [(r.id, {k for k in (r.kind_code, r.stored_kind) if k}) for r in rows]
    kinds = sorted(set().union(*(k for _i, k in written)))
    current = conn.execute(
        statement("analysis/kinds_current"), {"kinds": kinds, "run": run_id}
    ).scalar()
    if not current:
        return None
    profiles: dict[str, int] = {}
    for r in conn.execute(statement("analysis/facts_profiles"), {"kinds": kinds}):
        profiles[r.kind_code] = profiles.get(r.kind_code, 0) + 1
    if any(count > 1 for count in profiles.values()):
        return None
    return written


def refresh_written(conn: Connection, written: list[tuple[int, set[str]]]) -> dict:
    """Refresh after a small import, row by row (`refresh_for_cooperation` for each).

    `written` comes from `written_rows`: the stored figures were current but for these
    rows, so refreshing each one leaves them equal to a by-kind refresh
    (tests/test_import_small.py). Recorded as a refresh of those kinds, so that the next
    import can tell they are current. Returns the report of `refresh_kinds`' shape.
    """
    started = time.perf_counter()
    kinds = sorted(set().union(*(k for _i, k in written)))
    phases: dict[str, float] = {}
    changed = False
    with conn.begin_nested():
        rollups = []
        outlines_changed = False
        for coop_id, _kinds in written:
            res = refresh_for_cooperation(conn, coop_id)
            rollups.append(res["rollups"])
            changed = changed or res["coverage_rows_changed"]
            outlines_changed = outlines_changed or res["zone_outlines_changed"]
            for name, seconds in res["phases"].items():
                phases[name] = round(phases.get(name, 0) + seconds, 4)
        report = {
            "kinds": kinds,
            "incremental": [coop_id for coop_id, _k in written],
            "rollups": rollups,  # per row: how its roll-ups were rewritten
            # the white zones of those kinds now (the CLI says how many)
            "white_zones": conn.execute(
                statement("analysis/white_zones_count"), {"kinds": kinds}
            ).scalar(),
            "coverage_rows_changed": changed,
            "zone_outlines_changed": outlines_changed,
            "seconds": round(time.perf_counter() - started, 4),
            "phases": phases,
        }
        _record(conn, "kinds", None, report["seconds"], report)
    return report
