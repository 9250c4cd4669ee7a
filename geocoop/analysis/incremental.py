"""Local white-zone maintenance after a few communes of one kind change coverage.

Zones are the connected components of uncovered communes in the adjacency graph. A stored
zone label is only a name for the component (a full refresh uses the smallest commune code,
an incremental one keeps the largest part's label and draws fresh "i<n>" labels from a
sequence, so labels never collide); the zone id shown to users is always its smallest
commune code, computed when read. So labels never need rewriting across a big zone.

When communes become covered, their zone can only split around them: if the zone's
communes bordering them are still connected within a window around them (20 km, then
60 km), the zone is
intact (a local path is a global path); otherwise the zone's components are recomputed.
When communes become uncovered, they merge with each other and with the zones they touch.
Either way the partition equals a full recompute.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, TextClause

from geocoop.analysis import compute, zones
from geocoop.sql import composed, statement, table

# Search windows around newly covered communes for the connectivity check, tried in turn
# before recomputing the whole zone (which, for a 12,000-commune zone, takes ~0.3 s).
WINDOWS_M = (20_000, 60_000)


def _fresh_label(conn: Connection) -> str:
    return "i" + str(conn.execute(statement("analysis/zone_label_next")).scalar())


def _set(conn: Connection, kind: str, pairs: list[tuple[str, str | None]]) -> None:
    if pairs:
        conn.execute(
            composed("analysis/zones_set", table=table(compute.STORED_TABLE)),
            {"kind": kind, "codes": [c for c, _z in pairs], "zones": [z for _c, z in pairs]},
        )


def _split(conn: Connection, kind: str, zone: str) -> None:
    """Recompute the components of one stored zone; the largest keeps the label."""
    params = {"kind": kind, "zones": [zone], "extra": None}

    def sql(name: str) -> TextClause:
        return composed(f"analysis/{name}", table=table(compute.STORED_TABLE))

    nodes = [r[0] for r in conn.execute(sql("zones_nodes"), params)]
    comp = zones.components(sorted(nodes), conn.execute(sql("zones_edges"), params).all())
    groups: dict[str, list[str]] = defaultdict(list)
    for node, root in comp.items():
        groups[root].append(node)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), min(g)))
    for members in ordered[1:]:
        label = _fresh_label(conn)
        _set(conn, kind, [(m, label) for m in members])


def _shrink(conn: Connection, kind: str, zone: str, covered: list[str]) -> str:
    """Zone `zone` lost the communes `covered`; returns how it was handled."""
    ring = [
        r[0]
        for r in conn.execute(
            statement("analysis/zones_ring"), {"kind": kind, "zone": zone, "communes": covered}
        )
    ]
    if len(ring) <= 1:
        return "intact"
    for radius in WINDOWS_M:
        rows = conn.execute(
            statement("analysis/zones_window"),
            {"kind": kind, "zone": zone, "communes": covered, "radius_m": radius},
        ).all()
        nodes = [b for a, b in rows if a is None]
        comp = zones.components(nodes, [(a, b) for a, b in rows if a is not None])
        if all(n in comp for n in ring) and len({comp[n] for n in ring}) == 1:
            return "intact"
    _split(conn, kind, zone)
    return "recomputed"


def _grow(conn: Connection, kind: str, uncovered: list[str]) -> None:
    """Merge newly uncovered communes with each other and the zones they touch.

    The communes `uncovered` joined the uncovered set: merge them and the zones they
    touch; the largest zone of each merged group lends its label.
    """
    rows = conn.execute(
        statement("analysis/zones_attach"), {"kind": kind, "communes": uncovered}
    ).all()
    touched = sorted({b for k, _a, b in rows if k == "z"})
    sizes = dict(
        conn.execute(statement("analysis/zones_sizes"), {"kind": kind, "zones": touched}).all()
    )
    # Graph over communes and whole zones (prefixed, so they never collide with a code).
    nodes = set(uncovered) | {"z:" + z for z in touched}
    edges = [(a, b if k == "c" else "z:" + b) for k, a, b in rows]
    comp = zones.components(sorted(nodes), edges)
    groups: dict[str, list[str]] = defaultdict(list)
    for node, root in comp.items():
        groups[root].append(node)
    for members in groups.values():
        labels = sorted(
            (m[2:] for m in members if m.startswith("z:")), key=lambda z: (-sizes.get(z, 0), z)
        )
        label = labels[0] if labels else _fresh_label(conn)
        for other in labels[1:]:
            conn.execute(
                statement("analysis/zones_relabel"), {"kind": kind, "old": other, "new": label}
            )
        _set(conn, kind, [(m, label) for m in members if not m.startswith("z:")])


def update_zones(
    conn: Connection,
    kind: str,
    before: dict[str, tuple[bool, str | None]],
    after: dict[str, bool],
) -> dict:
    """Bring the stored zones of `kind` up to date after some communes were recomputed.

    Bring stored zones of `kind` up to date after the communes of `before` (covered,
    old label) were recomputed (now covered = `after`; their labels were cleared).
    """
    _set(conn, kind, [(c, z) for c, (cov, z) in before.items() if not cov and not after[c]])
    newly_covered: dict[str, list[str]] = defaultdict(list)
    for c, (cov, z) in before.items():
        if not cov and after[c] and z is not None:
            newly_covered[z].append(c)
    outcome = {z: _shrink(conn, kind, z, sorted(cs)) for z, cs in newly_covered.items()}
    uncovered = sorted(c for c, (cov, _z) in before.items() if cov and not after[c])
    if uncovered:
        _grow(conn, kind, uncovered)
    return {"zones": len(outcome) + (1 if uncovered else 0), "outcome": outcome}
