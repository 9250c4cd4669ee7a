"""White zones (adjacent uncovered communes) and EPCI without a kind."""

from __future__ import annotations

import json

from psycopg.sql import Composable
from sqlalchemy import Connection, TextClause

from geocoop.analysis import compute
from geocoop.analysis.data_status import data_status
from geocoop.analysis.params import (
    check_kind,
    check_limit,
    check_rule,
    resolve_parent,
    scope_params,
)
from geocoop.analysis.zone_names import part_note, zone_name, zone_reason
from geocoop.sql import composed, fragment, statement, table


def white_zones_statement(members: Composable | None = None) -> TextClause:
    """The white-zone list's statement: read from the stored zone rows, or over `members`.

    `members` is a zones_members_* fragment (whole figures summed over each zone's
    members); None reads them from analysis_zone (rule "any", stored figures current).
    Both end with the same answer (white_zones_answer.sql).
    """
    answer = fragment("analysis/white_zones_answer")
    if members is None:
        return composed("analysis/white_zones_stored", answer=answer)
    return composed("analysis/white_zones", members=members, answer=answer)


def white_zones(
    conn: Connection,
    *,
    kind: str,
    rule: str = "any",
    limit: int = 20,
    parent_code: str | None = None,
    parent_level: str | None = None,
    with_geometry: bool = True,
    split: bool = False,
    recount: bool = False,
) -> list[dict]:
    """Maximal groups of adjacent uncovered communes, largest population first.

    [{"id" (smallest member commune code, stable; "<zone>-<département>" when split),
      "rank", "kind", "rule", "name" / "name_en" (« Zone autour de Guingamp (22) », from
      the most populated commune, plus « : 3 départements » when it spans several),
      "zone_id" (the whole zone's id), "departement" (the part's, None unless split),
      "main_commune", "main_commune_name",
      "communes" ([codes]), "communes_count", "population", "area_km2",
      "departements" ([codes]), "departement_names", "epci" ([codes]),
      "zone_communes_count", "zone_population", "zone_departements_count" (the whole
      zone, neither clipped to the parent nor split),
      "nearest_cooperation_id", "nearest_cooperation_name",
      "nearest_cooperation_distance_m" (geodesic edge distance in metres from the zone to
      the closest cooperation of the kind; None when the kind has none),
      "service_distance_m" (the kind's), "reason" / "reason_en" (the sentence),
      "part_of" / "part_of_en" (for a split part of a zone spanning several
      départements: what the whole is; else None),
      "geometry" (GeoJSON MultiPolygon: the dissolved outline of the simplified polygons,
      any size; "geometry_dissolved" is always true; both omitted when
      with_geometry=False)}]
    With a parent, zones are those of the whole country clipped to the parent's communes.
    With split=True each zone is cut by département (one row per zone × département,
    ranked by the part's population).
    A kind without data has no white zone: [] (check `data_status` before reading it as
    "no gap").
    Rule "any" on stored figures reads each zone's whole figures from its stored row
    (analysis_zone); recount=True sums them over the members instead (the same answer,
    slower: what the stored rows are checked against).
    """
    kind = check_kind(conn, kind)
    rule = check_rule(rule)
    limit = check_limit(limit)
    parent = resolve_parent(conn, "commune", parent_code, parent_level)
    if not data_status(conn)[kind]["has_data"]:
        return []  # no data is not absence: no white zone is computed for this kind
    stored = kind in compute.stored_kinds(conn, [kind])
    if rule == "any" and stored and not recount:
        # the stored zones carry their whole figures: only the parent's communes are read
        sql = white_zones_statement()
    elif rule == "any" and stored:
        sql = white_zones_statement(fragment("analysis/zones_members_stored"))
    else:
        source = compute.STORED_TABLE
        if not stored:
            compute.compute(conn, [kind])
            source = compute.WORK_TABLE
        members = fragment("analysis/zones_members_live", source=table(source))
        sql = white_zones_statement(members)
    params = {
        "kind": kind,
        "rule": rule,
        "limit": limit,
        "with_geometry": with_geometry,
        "split": split,
        **scope_params(parent),
    }
    out = []
    for rank, r in enumerate(conn.execute(sql, params).mappings(), start=1):
        part = r["part"]
        nearest_m = None if r["nearest_m"] is None else round(float(r["nearest_m"]), 1)
        zone = {
            "id": r["zone_id"] if part is None else f"{r['zone_id']}-{part}",
            "rank": rank,
            "kind": kind,
            "rule": rule,
            "name": zone_name(r, "fr"),
            "name_en": zone_name(r, "en"),
            "zone_id": r["zone_id"],
            "departement": part,
            "main_commune": r["main_commune"],
            "main_commune_name": r["main_commune_name"],
            "communes": list(r["communes"]),
            "communes_count": int(r["communes_count"]),
            "population": int(r["population"]),
            "area_km2": round(float(r["area_km2"]), 3),
            "departements": sorted(r["departements"] or []),
            "departement_names": list(r["departement_names"] or []),
            "epci": sorted(r["epci"] or []),
            "zone_communes_count": int(r["zone_communes_count"]),
            "zone_population": int(r["zone_population"]),
            "zone_departements_count": int(r["zone_departements_count"]),
            "nearest_cooperation_id": r["nearest_id"],
            "nearest_cooperation_name": r["nearest_name"],
            "nearest_cooperation_distance_m": nearest_m,
            "service_distance_m": float(r["service_distance_m"]),
            "reason": zone_reason(r, r["kind_label_fr"], rule, "fr"),
            "reason_en": zone_reason(r, r["kind_label_en"], rule, "en"),
            "part_of": part_note(r, "fr"),
            "part_of_en": part_note(r, "en"),
        }
        if with_geometry:
            zone["geometry"] = json.loads(r["geometry"]) if r["geometry"] else None
            zone["geometry_dissolved"] = True  # kept for clients of the earlier API
        out.append(zone)
    return out


def epci_without(
    conn: Connection,
    kind: str,
    *,
    parent_code: str | None = None,
    parent_level: str | None = None,
) -> list[dict]:
    """EPCI with no cooperation of `kind` located in any of their communes.

    Inside the parent, a département unless `parent_level` says "region".

    [{"code", "name", "departement_code", "population", "communes_total",
      "nearest_distance_m"}] sorted by population, largest first.
    """
    kind = check_kind(conn, kind)
    parent = resolve_parent(conn, "epci", parent_code, parent_level)
    if not data_status(conn)[kind]["has_data"]:
        return []  # without data, no EPCI can be said to lack the kind
    rows = conn.execute(statement("analysis/epci_without"), {"kind": kind, **scope_params(parent)})
    return [
        {
            "code": r.code,
            "name": r.name,
            "departement_code": r.departement_code,
            "population": int(r.population or 0),
            "communes_total": int(r.communes_total),
            "nearest_distance_m": (
                None if r.nearest_distance_m is None else round(float(r.nearest_distance_m), 1)
            ),
        }
        for r in rows
    ]


def ensure_adjacency(conn: Connection, *, check: bool = True) -> dict:
    """Build the commune adjacency graph when missing or out of date.

    Build the commune adjacency graph when missing or (check=True) when any commune
    polygon changed since it was built. Returns {"rebuilt": bool, "pairs": n}.
    """
    state = conn.execute(statement("analysis/adjacency_state")).first()
    if state is not None and not check:
        return {"rebuilt": False, "pairs": state.pairs}
    signature = conn.execute(statement("analysis/adjacency_signature")).scalar() or ""
    if state is not None and state.signature == signature:
        return {"rebuilt": False, "pairs": state.pairs}
    conn.execute(statement("analysis/adjacency_clear"))
    pairs = conn.execute(statement("analysis/adjacency_build")).rowcount
    conn.execute(statement("analysis/adjacency_analyze"))
    conn.execute(statement("analysis/adjacency_state_store"), {"s": signature, "p": pairs})
    return {"rebuilt": True, "pairs": pairs}


def components(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, str]:
    """Connected components of a graph: node → smallest node of its component."""
    parent = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            # the smaller code becomes the root, so a root is its component's minimum
            parent[max(ra, rb)] = min(ra, rb)
    return {n: find(n) for n in nodes}


def assign_zones(
    conn: Connection,
    kind: str,
    *,
    zones: list[str] | None = None,
    extra: list[str] | None = None,
    work: bool = False,
) -> int:
    """Label the white zones of `kind` as connected components of uncovered communes.

    White zones of `kind` (rule "any") as connected components of uncovered communes in
    the adjacency graph; zone id = smallest commune code. Over every commune, or (incremental
    refresh) over the members of `zones` plus the communes `extra` — a set the caller keeps
    closed under adjacency. In the stored table, or (work=True, full refresh) the scratch
    one. Only changed zone ids are written; returns the number of zones.
    """
    scratch_or_stored = table(compute.WORK_TABLE if work else compute.STORED_TABLE)
    params = {"kind": kind, "zones": zones, "extra": extra}

    def sql(name: str) -> TextClause:
        return composed(f"analysis/{name}", table=scratch_or_stored)

    current = dict(conn.execute(sql("zones_nodes"), params).all())
    edges = conn.execute(sql("zones_edges"), params).all()
    zones_of = components(sorted(current), edges)
    changed = [(c, z) for c, z in zones_of.items() if current[c] != z]
    if changed:
        conn.execute(
            sql("zones_set"),
            {"kind": kind, "codes": [c for c, _z in changed], "zones": [z for _c, z in changed]},
        )
    return len(set(zones_of.values()))


def store_outlines(conn: Connection, kinds: list[str], recomputed: list[str] | None = None) -> dict:
    """Bring the stored white-zone outlines of `kinds` in line with the zones.

    Bring the stored white-zone outlines of `kinds` (table analysis_zone) in line with
    the zones of analysis_commune_kind: zones whose members changed are dissolved again,
    the others kept; then the zones are named (store_names; `recomputed`: the communes an
    incremental refresh recomputed, None for every zone). Returns {"kept", "written",
    "removed", "named"}.
    """
    params = {"kinds": list(kinds)}
    conn.execute(statement("analysis/zone_outline_live_drop"))
    conn.execute(statement("analysis/zone_outline_live_create"))
    conn.execute(statement("analysis/zone_outlines_live"), params)
    removed = conn.execute(statement("analysis/zone_outlines_delete"), params).rowcount
    written = conn.execute(statement("analysis/zone_outlines_insert"), params).rowcount
    total = conn.execute(statement("analysis/zone_outline_live_count")).scalar_one()
    conn.execute(statement("analysis/zone_outline_live_drop"))
    named = store_names(conn, kinds, recomputed)
    return {"kept": total - written, "written": written, "removed": removed, "named": named}


def store_names(conn: Connection, kinds: list[str], recomputed: list[str] | None = None) -> int:
    """Name the stored white zones of `kinds` and give their reasons, as the live list does.

    The parts (main commune, its département and EPCI, nearest cooperation and its
    distance, service distance) are computed in SQL for every zone and written where they
    changed, even when the members did not (a cooperation renamed, or moved without
    changing coverage); the sentences are then built by zone_names.py for every stored zone
    of `kinds` and written where they differ (new or changed parts, or a sentence rule
    changed since they were written: a few hundred zones nationally).
    With `recomputed` (the communes an incremental refresh recomputed), only the zones
    holding one of them and the zones stored anew have their parts checked. Returns the
    number of zones (re)named.
    """
    params = {"kinds": list(kinds)}
    conn.execute(
        statement("analysis/zone_outlines_reasons"),
        {**params, "communes": None if recomputed is None else list(recomputed)},
    )
    texts = []
    for r in conn.execute(statement("analysis/zone_texts"), params).mappings():
        built = (
            zone_name(r, "fr"),
            zone_name(r, "en"),
            zone_reason(r, r["kind_label_fr"], r["rule"], "fr"),
            zone_reason(r, r["kind_label_en"], r["rule"], "en"),
        )
        if built != (r["name_fr"], r["name_en"], r["reason_fr"], r["reason_en"]):
            texts.append((r["kind_code"], r["zone_id"], *built))
    if texts:
        columns = list(zip(*texts, strict=True))
        names = ("kinds", "zones", "names_fr", "names_en", "reasons_fr", "reasons_en")
        conn.execute(
            statement("analysis/zone_texts_store"),
            {name: list(column) for name, column in zip(names, columns, strict=True)},
        )
    return len(texts)
