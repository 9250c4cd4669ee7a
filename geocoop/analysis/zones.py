"""White zones (adjacent uncovered communes) and EPCI without a kind."""

from __future__ import annotations

import json

from sqlalchemy import Connection, text

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
from geocoop.sql import sql_source, statement


def _stored(conn: Connection, kind: str) -> bool:
    return bool(
        conn.execute(
            text("SELECT EXISTS (SELECT 1 FROM analysis_commune_kind WHERE kind_code = :k)"),
            {"k": kind},
        ).scalar()
    )


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
) -> list[dict]:
    """See geocoop.analysis.api.white_zones."""
    kind = check_kind(conn, kind)
    rule = check_rule(rule)
    limit = check_limit(limit)
    parent = resolve_parent(conn, "commune", parent_code, parent_level)
    if not data_status(conn)[kind]["has_data"]:
        return []  # no data is not absence: no white zone is computed for this kind
    stored = _stored(conn, kind)
    if rule == "any" and stored:
        members = sql_source("analysis/zones_members_stored")
    else:
        source = compute.STORED_TABLE
        if not stored:
            compute.compute(conn, [kind])
            source = compute.WORK_TABLE
        members = sql_source("analysis/zones_members_live").replace("{source}", source)
    sql = text(sql_source("analysis/white_zones").replace("{members}", members))
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
    """See geocoop.analysis.api.epci_without."""
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
    """Build the commune adjacency graph when missing or (check=True) when any commune
    polygon changed since it was built. Returns {"rebuilt": bool, "pairs": n}."""
    state = conn.execute(
        text(
            "SELECT signature, pairs FROM analysis_adjacency_state WHERE id = 1 "
            "AND EXISTS (SELECT 1 FROM analysis_adjacency)"  # unlogged: empty after a crash
        )
    ).first()
    if state is not None and not check:
        return {"rebuilt": False, "pairs": state.pairs}
    signature = conn.execute(statement("analysis/adjacency_signature")).scalar() or ""
    if state is not None and state.signature == signature:
        return {"rebuilt": False, "pairs": state.pairs}
    conn.execute(text("DELETE FROM analysis_adjacency"))
    pairs = conn.execute(statement("analysis/adjacency_build")).rowcount
    conn.execute(text("ANALYZE analysis_adjacency"))
    conn.execute(text("DELETE FROM analysis_adjacency_state"))
    conn.execute(
        text("INSERT INTO analysis_adjacency_state (id, signature, pairs) VALUES (1, :s, :p)"),
        {"s": signature, "p": pairs},
    )
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
    """White zones of `kind` (rule "any") as connected components of uncovered communes in
    the adjacency graph; zone id = smallest commune code. Over every commune, or (incremental
    refresh) over the members of `zones` plus the communes `extra` — a set the caller keeps
    closed under adjacency. In the stored table, or (work=True, full refresh) the scratch
    one. Only changed zone ids are written; returns the number of zones."""
    table = compute.WORK_TABLE if work else compute.STORED_TABLE
    params = {"kind": kind, "zones": zones, "extra": extra}

    def sql(name: str):
        return text(sql_source(f"analysis/{name}").replace("{table}", table))

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


def store_outlines(conn: Connection, kinds: list[str]) -> dict:
    """Bring the stored white-zone outlines of `kinds` (table analysis_zone) in line with
    the zones of analysis_commune_kind: zones whose members changed are dissolved again,
    the others kept. Returns {"kept", "written", "removed"}."""
    params = {"kinds": list(kinds)}
    conn.execute(text("DROP TABLE IF EXISTS zone_outline_live"))
    conn.execute(
        text(
            "CREATE TEMPORARY TABLE zone_outline_live (kind_code text, zone_id text, "
            "members_hash text, communes text[]) ON COMMIT DROP"
        )
    )
    conn.execute(statement("analysis/zone_outlines_live"), params)
    removed = conn.execute(statement("analysis/zone_outlines_delete"), params).rowcount
    written = conn.execute(statement("analysis/zone_outlines_insert"), params).rowcount
    total = conn.execute(text("SELECT count(*) FROM zone_outline_live")).scalar_one()
    conn.execute(text("DROP TABLE zone_outline_live"))
    return {"kept": total - written, "written": written, "removed": removed}
