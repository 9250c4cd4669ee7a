"""Fast answers from stored facts: roll-ups and live variants without geometry.

Fast answers from stored facts: roll-ups per kind set × rule × territory, and live
variants (another distance, stage/category/model filters) from the per commune × kind
facts, without geometry.

Written by every refresh (`store_all` after a full one, `refresh_kinds` after an
incremental one); read by `coverage.rollup`, which falls back to the live computation
whenever `answer` returns None (facts never stored, or stale for the request).

* A kind set's roll-up (each kind alone, and the default set: every non-support kind) is
  stored for every EPCI, département, région and France, and for the part of each
  territory inside each enclosing parent (EPCI in a département or région, département in
  a région): the parent-scoped lists read it too.
* Another distance d: a commune is covered by distance when `nearest_edge_m <= d` (the
  nearest cooperation does not depend on d).
* Filters: the cooperations of a kind are grouped by profile (effective category, model,
  stage). A filter keeps whole profiles; when it keeps all of a kind's profiles the kind's
  own facts answer, when it keeps none the kind covers nothing, otherwise the stored facts
  of each kept profile (`analysis_commune_profile`) do: nearest = the smallest over them,
  perimeter rule = any of them.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Connection, TextClause

from geocoop.analysis import compute
from geocoop.analysis.data_status import context_kinds
from geocoop.analysis.params import has_filters, kind_table, scope_params
from geocoop.sql import composed, fragment, statement

# (level, parent level) pairs stored with the parent: the part of a territory inside it
STORED_PARENTS = {("epci", "departement"), ("epci", "region"), ("departement", "region")}
_PROFILE_KEYS = ("category", "socio_economic_model", "stage")


@cache
def _rollup_statement(name: str) -> TextClause:
    """A roll-up statement with the grouping-sets labelling they share (rollup_labels.sql)."""
    return composed(f"analysis/{name}", labels=fragment("analysis/rollup_labels"))


def kinds_key(kinds: list[str]) -> str:
    """The stored key of a kind set: its codes sorted, comma-joined."""
    return ",".join(sorted(set(kinds)))


def _kind_sets(conn: Connection, touched: set[str] | None) -> list[list[str]]:
    """The stored kind sets: each kind with stored facts, the default and headline sets.

    The default set: every non-support kind with stored facts. The headline set: every
    kind with stored facts but the context layers (public services, support structures),
    what a request for every kind counts (`check_kinds(None)`, the map's headline): its
    choropleths, in any rule, are then read by primary key rather than aggregated.
    """
    table = kind_table(conn)
    stored = {r[0] for r in conn.execute(statement("analysis/facts_stored_kinds"))}
    sets = [[k] for k in table if k in stored]
    default = [k for k, v in table.items() if not v["is_support"] and k in stored]
    context = context_kinds({k: v["is_support"] for k, v in table.items()})
    headline = [k for k in table if k not in context and k in stored]
    if touched is not None:
        sets = [s for s in sets if touched & set(s)]
    if len(default) > 1:
        sets.append(default)
    # when only context layers were touched the headline set is as it was; otherwise a
    # touched kind may have changed it, or joined or left it (its old key is deleted then)
    if len(headline) > 1 and headline != default and (touched is None or touched - context):
        sets.append(headline)
    return sets


def stored_key(conn: Connection, kinds: list[str]) -> str:
    """The stored kind set whose roll-up answers for `kinds` (its own key when none does).

    A stored set's figures count only its kinds that had cooperations when it was stored
    (those with stored profiles); another set with the same such kinds has the very same
    figures. Its own key first, so a stored set is always read as itself.
    """
    key = kinds_key(kinds)
    if conn.execute(statement("analysis/facts_rollup_stored"), {"k": key}).scalar():
        return key
    with_coops = {r[0] for r in conn.execute(statement("analysis/facts_kinds_with_profiles"))}
    wanted = set(kinds) & with_coops
    for candidate in _kind_sets(conn, None):
        if set(candidate) & with_coops == wanted and conn.execute(
            statement("analysis/facts_rollup_stored"), {"k": kinds_key(candidate)}
        ).scalar():
            return kinds_key(candidate)
    return key


def store_rollups(conn: Connection, touched: set[str] | None = None) -> int:
    """(Re)write the roll-ups of every stored kind set holding a touched kind (all when None).

    Kinds without any stored profile had no cooperation when their facts were computed: they
    cover nothing and are left out of the aggregation. Returns rows.
    """
    with_coops = {r[0] for r in conn.execute(statement("analysis/facts_kinds_with_profiles"))}
    rows = 0
    empty_key = None  # the roll-up of a set whose kinds cover nothing, computed once
    for kinds in _kind_sets(conn, touched):
        key = kinds_key(kinds)
        counted = [k for k in kinds if k in with_coops]
        conn.execute(statement("analysis/facts_rollup_delete"), {"k": key})
        if not counted and empty_key is not None:
            rows += conn.execute(
                statement("analysis/facts_rollup_copy"), {"k": key, "e": empty_key}
            ).rowcount
            continue
        rows += conn.execute(
            _rollup_statement("facts_rollup_store"),
            {"key": key, "kinds": counted, "communes": None},
        ).rowcount
        if not counted:
            empty_key = key
    return rows


def _profiles_now(conn: Connection, kinds: list[str] | None) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for r in conn.execute(statement("analysis/facts_profiles"), {"kinds": kinds}):
        out.setdefault(r.kind_code, []).append(
            (r.category, r.socio_economic_model, r.stage, int(r.cooperations))
        )
    return out


def profiles_read_alone(profiles: list[tuple]) -> set[int]:
    """Indexes of the profiles whose own facts a filter can read.

    `profiles`: (category, model, stage, ...) of one kind. A filter keeps whole profiles
    (`_matches`); the stored facts of a profile are read only when a filter keeps it but
    not every profile of the kind (keeping all, the kind's own facts answer). A filter
    value is never empty (`params.check_filters`), so a field a profile leaves empty can
    only be unfiltered: the profile is read alone only when one of its filled fields
    differs in another profile. Trying each field with each profile's own value is enough:
    a filter keeping a profile and leaving one out keeps it with any single value too.
    PAT: its 12 plans without a stage are kept by no filter that leaves any PAT out, and
    their per-commune facts (34,871 nearest searches) are not computed.
    """
    needed: set[int] = set()
    for i, profile in enumerate(profiles):
        for field, value in zip(_PROFILE_KEYS, profile[:3], strict=True):
            if value is None:
                continue
            kept = [q for q in profiles if _matches((None, *q[:3]), {field: [value]})]
            if len(kept) < len(profiles):
                needed.add(i)
                break
    return needed


ProfileRows = dict[tuple[str, tuple], tuple[list, list, list]]


def compute_profile(
    conn: Connection, kind: str, distance_m: float, profile: tuple, *, reuse_stored: bool
) -> None:
    """One profile's per-commune facts in analysis_work (its rows of `kind` emptied first).

    `profile`: (category, model, stage); over the communes of analysis_communes.
    """
    category, model, stage = profile
    conn.execute(statement("analysis/work_clear_kind"), {"k": kind})
    compute.compute_kind(
        conn,
        kind,
        distance_m,
        compute.NO_FILTERS,
        profile={"category": category, "socio_economic_model": model, "stage": stage},
        reuse_stored=reuse_stored,
    )


def refresh_profiles(
    conn: Connection, kinds: list[str], *, with_facts: bool, ahead: ProfileRows | None = None
) -> dict:
    """Store the profiles of `kinds` as the cooperations are now.

    With `with_facts`, also the per-commune facts of each profile of kinds with several (needs
    analysis_communes holding every commune, as after a full computation; empties analysis_work).
    Without, those kinds are marked incomplete: filters on them are computed live. `ahead`:
    facts computed on another connection from the same data ({(kind, (category, model,
    stage)): (communes, nearest metres, covered by perimeter)}), stored as they are.
    """
    table = kind_table(conn)
    now = _profiles_now(conn, kinds)
    params = {"kinds": kinds}
    conn.execute(statement("analysis/facts_profiles_clear"), params)
    computed = 0
    with_facts_rows = {
        r[0] for r in conn.execute(statement("analysis/facts_kinds_with_facts"), params)
    }
    for kind in kinds:
        if kind not in with_facts_rows:
            continue  # no stored facts (no data): nothing to answer from
        profiles = now.get(kind, [])
        for pid, (category, model, stage, count) in enumerate(profiles, start=1):
            conn.execute(
                statement("analysis/facts_profile_insert"),
                {"k": kind, "i": pid, "c": category, "m": model, "s": stage, "n": count},
            )
        complete = len(profiles) <= 1
        if not complete and with_facts:
            read_alone = profiles_read_alone(profiles)
            for pid, (category, model, stage, _count) in enumerate(profiles, start=1):
                if pid - 1 not in read_alone:
                    continue  # no filter reads its facts alone (profiles_read_alone)
                rows = (ahead or {}).get((kind, (category, model, stage)))
                if rows is not None:
                    codes, edges, covered = rows
                    conn.execute(
                        statement("analysis/facts_profile_store_rows"),
                        {"kind": kind, "profile_id": pid, "codes": codes, "edges": edges,
                         "covered": covered},
                    )  # fmt: skip
                    computed += 1
                    continue
                # the kind's facts were stored just before: their nearest points are reused
                compute_profile(
                    conn, kind, table[kind]["service_distance_m"], (category, model, stage),
                    reuse_stored=True,
                )  # fmt: skip
                conn.execute(
                    statement("analysis/facts_profile_store"), {"kind": kind, "profile_id": pid}
                )
                computed += 1
            conn.execute(statement("analysis/work_clear_kind"), {"k": kind})
            complete = True
        conn.execute(
            statement("analysis/facts_kind_state_insert"),
            {"k": kind, "c": complete},
        )
    return {"profiles": sum(len(v) for v in now.values()), "profile_facts": computed}


def store_all(conn: Connection, kinds: list[str]) -> dict:
    """After a full refresh: profiles, their facts and every roll-up.

    After a full refresh (analysis_communes = every commune) of `kinds` (every kind:
    those without stored facts are dropped): profiles, their facts and every roll-up.
    """
    report = refresh_profiles(conn, kinds, with_facts=True)
    conn.execute(statement("analysis/facts_profiles_analyze"))
    conn.execute(statement("analysis/facts_rollup_truncate"))
    report["rollup_rows"] = store_rollups(conn)
    conn.execute(statement("analysis/facts_rollup_analyze"))
    return report


Snapshot = dict[str, tuple[bool, bool, float | None]]


def commune_facts(conn: Connection, kind: str, communes: list[str]) -> Snapshot:
    """What the roll-ups read of `communes` for `kind`: (by distance, by perimeter, nearest)."""
    rows = conn.execute(statement("analysis/facts_commune_snapshot"), {"k": kind, "c": communes})
    return {
        r.commune_code: (bool(r.covered_distance), bool(r.covered_perimeter), r.nearest_edge_m)
        for r in rows
    }


def nearer_only(before: Snapshot, after: Snapshot) -> bool:
    """Whether no commune changed a coverage flag nor got farther from its nearest cooperation.

    Then every roll-up count, population and area is unchanged and each stored nearest only
    needs the smaller of itself and the new values (facts_rollup_nearer.sql).
    """
    if before.keys() != after.keys():
        return False
    for code, (cd, cp, near) in after.items():
        old_cd, old_cp, old_near = before[code]
        if (cd, cp) != (old_cd, old_cp):
            return False
        if old_near is not None and (near is None or near > old_near):
            return False
    return True


def _store_rollups_scoped(
    conn: Connection, touched: set[str], communes: list[str], *, nearer: bool = False
) -> int | None:
    """Rewrite the roll-up rows of the territories holding `communes` only; None if it cannot.

    After an incremental refresh that changed the facts of `communes` only (no kind gained
    or lost its data): France and their EPCI, départements and régions are recomputed over
    all their members, the other rows are those a full rewrite would store again. With
    `nearer` (`nearer_only` held for every touched kind), only their nearest distances are
    lowered: the rest is unchanged, and France needs no pass over every commune. None
    (nothing written) when the stored kind sets are not those `store_rollups` would write.
    """
    with_coops = {r[0] for r in conn.execute(statement("analysis/facts_kinds_with_profiles"))}
    sets = _kind_sets(conn, touched)
    holding = conn.execute(statement("analysis/facts_rollup_keys_holding"), {"k": list(touched)})
    stored = {r[0] for r in holding}
    if stored != {kinds_key(s) for s in sets} or any(not set(s) & with_coops for s in sets):
        return None
    rows = 0
    for kinds in sets:
        key = kinds_key(kinds)
        counted = [k for k in kinds if k in with_coops]
        if nearer:
            rows += conn.execute(
                _rollup_statement("facts_rollup_nearer"),
                {"key": key, "kinds": counted, "communes": communes},
            ).rowcount
            continue
        scope = {"k": key, "communes": communes}
        conn.execute(statement("analysis/facts_rollup_delete_scoped"), scope)
        rows += conn.execute(
            _rollup_statement("facts_rollup_store"),
            {"key": key, "kinds": counted, "communes": communes},
        ).rowcount
    return rows


def refresh_kinds(
    conn: Connection,
    kinds: list[str],
    *,
    with_facts: bool = False,
    communes: list[str] | None = None,
    nearer: bool = False,
    profiles_later: frozenset[str] = frozenset(),
) -> dict:
    """After a refresh of `kinds`: their profiles and the roll-ups holding them.

    After a refresh of `kinds`: their profiles and the roll-ups holding them. With
    `with_facts` (the kinds recomputed over every commune: analysis_communes holds them
    all) the per-profile facts too; without (an incremental refresh), kinds with several
    profiles are marked incomplete and their partial filters computed live. `communes`
    (an incremental refresh that changed only those communes' facts and no kind's data
    presence) limits the roll-ups rewritten to France and the territories holding them;
    with `nearer` (no flag changed there, no nearest grew: `nearer_only`) only their
    nearest distances are lowered. `report["rollups"]` says which: "nearer", "scoped" or
    "kinds". `profiles_later`: kinds whose stored profiles and per-profile facts are kept
    as they are, to be recomputed by the next step (`refresh.refresh_profile_facts`); each
    has stored profiles both before and after, so the roll-ups count it either way.
    """
    report = refresh_profiles(
        conn, [k for k in kinds if k not in profiles_later], with_facts=with_facts
    )
    if communes is not None:
        scoped = _store_rollups_scoped(conn, set(kinds), communes, nearer=nearer)
        if scoped is not None:
            report["rollup_rows"] = scoped
            report["rollups"] = "nearer" if nearer else "scoped"
            return report
    # every stored set holding a touched kind goes (a kind that lost its data leaves the
    # default set); the sets of the touched kinds and the default set are rewritten
    conn.execute(statement("analysis/facts_rollup_delete_kinds"), {"k": list(kinds)})
    report["rollup_rows"] = store_rollups(conn, set(kinds))
    report["rollups"] = "kinds"
    return report


def _stored_state(conn: Connection, kinds: list[str]) -> dict | None:
    """The stored state of each kind's profiles, or None when never stored.

    {kind: {"complete", "profiles": [(id, category, model, stage, count)]}} or None when
    a kind's facts were never stored with their profiles.
    """
    state = {
        r.kind_code: {"complete": bool(r.profiles_complete), "profiles": []}
        for r in conn.execute(statement("analysis/facts_kind_state"), {"k": kinds})
    }
    if len(state) < len(kinds):
        return None
    for r in conn.execute(statement("analysis/facts_profiles_stored"), {"k": kinds}):
        state[r.kind_code]["profiles"].append(
            (r.profile_id, r.category, r.socio_economic_model, r.stage, int(r.cooperations))
        )
    return state


def _matches(profile: tuple, filters: dict) -> bool:
    for name, value in zip(_PROFILE_KEYS, profile[1:4], strict=True):
        wanted = filters.get(name)
        if wanted and value not in wanted:
            return False
    return True


def _stored_scope(level: str, parent: tuple[str, str] | None) -> dict | None:
    """Parameters reading the stored roll-up for this level and parent, or None."""
    if level == "commune":
        return None
    if parent is None:
        return {"stored_parent_level": "", "stored_parent_code": "", "code": None}
    if parent[0] == level:
        return {"stored_parent_level": "", "stored_parent_code": "", "code": parent[1]}
    if (level, parent[0]) in STORED_PARENTS:
        return {"stored_parent_level": parent[0], "stored_parent_code": parent[1], "code": None}
    return None


def answer(
    conn: Connection,
    *,
    level: str,
    kinds: list[str],
    rule: str,
    parent: tuple[str, str] | None,
    filters: dict,
    distance_m: float | None,
    recomputing: frozenset[str] = frozenset(),
) -> list | None:
    """Rows of rollup.sql answered from the stored facts, or None when they cannot.

    `recomputing`: kinds whose rows are committed and whose refresh is on its way (their
    figures already say « en cours de recalcul »): a live variant is answered from their
    last stored facts, as the stored figures are, instead of from geometry.
    """
    state = _stored_state(conn, kinds)
    if state is None:
        return None
    live = distance_m is not None or has_filters(filters)
    if live:
        # the stored facts follow the cooperations of their last refresh: answer a live
        # variant from them only while the profiles (values and counts) are unchanged, or
        # while the kind is flagged as being recomputed (an upload storm would otherwise
        # send every filter to the geometry, 17–31 s on all of France, until the refresh)
        checked = [k for k in kinds if k not in recomputing]
        now = _profiles_now(conn, checked) if checked else {}
        for kind in checked:
            stored = [p[1:] for p in state[kind]["profiles"]]
            if stored != now.get(kind, []):
                return None
    scope = scope_params(parent)
    if not live:
        stored_scope = _stored_scope(level, parent)
        key = None if stored_scope is None else stored_key(conn, kinds)
        if (
            key is not None
            and conn.execute(statement("analysis/facts_rollup_stored"), {"k": key}).scalar()
        ):
            return (
                conn.execute(
                    statement("analysis/facts_rollup_read"),
                    {
                        "key": key,
                        "rule": rule,
                        "level": level,
                        "kinds": kinds,
                        **scope,
                        **stored_scope,
                    },
                )  # fmt: skip
                .mappings()
                .all()
            )
    kinds_all: list[str] = []
    prof_kinds: list[str] = []
    prof_ids: list[int] = []
    for kind in kinds:
        profiles = state[kind]["profiles"]
        kept = [p for p in profiles if _matches(p, filters)]
        if not kept:
            continue  # no cooperation of the kind counts: it covers nothing
        if len(kept) == len(profiles):
            kinds_all.append(kind)
        elif not state[kind]["complete"]:
            return None
        else:
            read_alone = profiles_read_alone([p[1:] for p in profiles])
            if any(profiles.index(p) not in read_alone for p in kept):
                return None  # facts never stored for it: cannot happen (profiles_read_alone)
            prof_kinds += [kind] * len(kept)
            prof_ids += [p[0] for p in kept]
    params = {
        "level": level,
        "rule": rule,
        "kinds": kinds,
        "kinds_all": kinds_all,
        "prof_kinds": prof_kinds,
        "prof_ids": prof_ids,
        "live": live,
        "distance_m": distance_m,
        **scope,
        **{name: filters.get(name) for name in _PROFILE_KEYS},
    }
    return conn.execute(statement("analysis/facts_live"), params).mappings().all()


def answer_totals(
    conn: Connection, *, level: str, rule: str, parent: tuple[str, str] | None
) -> list | None:
    """Rows answering what does not depend on the kinds (communes, population, area).

    Rows whose only meaningful fields are those that do not depend on the kinds
    (communes, population, area: when no kind is counted), read from any stored kind
    set; None when nothing is stored.
    """
    kind = conn.execute(statement("analysis/facts_any_kind")).scalar()
    if kind is None:
        return None
    return answer(
        conn,
        level=level,
        kinds=[kind],
        rule=rule,
        parent=parent,
        filters=dict.fromkeys(_PROFILE_KEYS),
        distance_m=None,
    )


def stored_summary(
    conn: Connection,
    *,
    level: str,
    parent: tuple[str, str] | None,
    rule: str,
    kind_sets: list[list[str]],
) -> dict[str, dict] | None:
    """One territory's stored rows for several kind sets, read together.

    {kinds_key(kinds): the row `answer` gives for them (no filter, no distance)}, the
    empty set standing for `answer_totals`; None when one of them is not stored (the
    caller then asks `answer` set by set). Two statements instead of four per set.
    """
    if level not in ("france", "epci", "departement", "region"):
        return None
    if level != "france" and (parent is None or parent[0] != level):
        return None
    sets = {kinds_key(kinds): list(kinds) for kinds in kind_sets}
    if "" in sets:  # the kind-independent fields, from any stored kind set
        any_kind = conn.execute(statement("analysis/facts_any_kind")).scalar()
        if any_kind is None:
            return None
        sets[""] = [any_kind]
    every = sorted({k for kinds in sets.values() for k in kinds})
    stored = {r[0] for r in conn.execute(statement("analysis/facts_kind_state"), {"k": every})}
    if stored != set(every):
        return None  # a kind's facts were never stored: computed live
    keys = {key: stored_key(conn, kinds) for key, kinds in sets.items()}
    code = "FR" if parent is None else parent[1]
    rows = {
        r["kinds"]: dict(r)
        for r in conn.execute(
            statement("analysis/facts_rollup_read_keys"),
            {"keys": sorted(set(keys.values())), "rule": rule, "level": level, "code": code},
        ).mappings()
    }
    if not set(keys.values()) <= rows.keys():
        return None
    counts = {
        r.kind_code: int(r.n)
        for r in conn.execute(
            statement("analysis/facts_cooperations_by_kind"),
            {"kinds": every, **scope_params(parent)},
        )
    }
    out = {}
    for key, kinds in sets.items():
        row = {k: v for k, v in rows[keys[key]].items() if k != "kinds"}
        row["cooperations"] = sum(counts.get(k, 0) for k in kinds)
        out[key] = row
    return out
