"""Synergy gaps: candidate links, missing complements, per-territory synergy index."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import Connection, TextClause

from geocoop.analysis.data_status import data_status
from geocoop.analysis.params import (
    check_distance,
    check_kinds,
    check_level,
    check_limit,
    kind_table,
    resolve_parent,
    scope_params,
)
from geocoop.errors import BadRequest, ConfigurationError
from geocoop.sql import composed, fragment, statement

MATRIX_FILE = Path(__file__).resolve().parent / "complementarity.yaml"


@cache
def _load(path: Path = MATRIX_FILE) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        pairs = [(str(a), str(b), float(w)) for a, b, w in data.get("pairs", [])]
        return {
            "max_distance_m": float(data["max_distance_m"]),
            "missing_threshold": float(data["missing_threshold"]),
            "default": float(data.get("default", 0.0)),
            "same_kind": float(data.get("same_kind", 0.0)),
            "pairs": pairs,
        }
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"{path.name} illisible : {exc}") from None


def matrix(conn: Connection) -> dict:
    """Settings and the full symmetric weight table {(a, b): weight} over known kinds."""
    cfg = _load()
    kinds = list(kind_table(conn))
    weights = {
        (a, b): (cfg["same_kind"] if a == b else cfg["default"]) for a in kinds for b in kinds
    }
    for a, b, w in cfg["pairs"]:
        if a in kinds and b in kinds:
            weights[(a, b)] = weights[(b, a)] = w
    return {**cfg, "weights": weights}


def _arrays(weights: dict, minimum: float = 0.0, *, distinct: bool = False) -> dict:
    items = [
        (a, b, w)
        for (a, b), w in weights.items()
        if w > 0 and w >= minimum and not (distinct and a == b)
    ]
    return {"wa": [i[0] for i in items], "wb": [i[1] for i in items], "ww": [i[2] for i in items]}


def store_pairs(
    conn: Connection, only_id: int | None = None, kinds: list[str] | None = None
) -> int:
    """(Re)compute stored potential links; returns how many were written.

    All of them, those of one cooperation, or those with a cooperation of `kinds` (the
    others cannot have changed).
    """
    m = matrix(conn)
    if kinds is not None and only_id is None:
        conn.execute(statement("analysis/synergy_pairs_delete_kinds"), {"kinds": list(kinds)})
    else:
        conn.execute(statement("analysis/synergy_pairs_delete"), {"i": only_id})
    result = conn.execute(
        statement("analysis/synergy_pairs"),
        {
            "max_distance_m": m["max_distance_m"],
            "only_id": only_id,
            "kinds": None if kinds is None else list(kinds),
            **_arrays(m["weights"]),
        },
    )
    return result.rowcount


def _territory_ids(conn: Connection, parent: tuple[str, str] | None) -> list[int] | None:
    if parent is None:
        return None
    sql = _with_ct("analysis/coop_territory_ids")
    return [r[0] for r in conn.execute(sql, {"level": parent[0], "code": parent[1]})]


def synergy_candidates(
    conn: Connection,
    *,
    max_distance_m: float | None = None,
    parent_code: str | None = None,
    parent_level: str | None = None,
    kinds: list[str] | None = None,
    limit: int = 100,
) -> list[dict]:
    """Pairs of cooperations that could work together and have no declared partnership.

    A pair qualifies when the perimeters overlap or the points are within `max_distance_m`
    (default: `max_distance_m` of complementarity.yaml) and the matrix weight of their kinds
    is > 0. score = weight × proximity, proximity = 1 when perimeters overlap, else
    1 − distance/max_distance. Best score first:
    [{"a": {"id", "name", "kind", "commune_code"}, "b": {…}, "distance_m",
      "perimeters_overlap": bool, "weight", "proximity", "score"}]
    """
    m = matrix(conn)
    distance = check_distance(max_distance_m) or m["max_distance_m"]
    if distance > m["max_distance_m"]:
        raise BadRequest(
            f"Distance trop grande ({distance:g} m) : les paires sont calculées jusqu'à "
            f"{m['max_distance_m']:g} m (max_distance_m de complementarity.yaml)."
        )
    kinds = None if kinds is None else check_kinds(conn, kinds)
    parent = resolve_parent(conn, "commune", parent_code, parent_level)
    rows = conn.execute(
        statement("analysis/synergy_candidates"),
        {
            "max_distance_m": distance,
            "kinds": kinds,
            "ids": _territory_ids(conn, parent),
            "limit": check_limit(limit, 100),
        },
    ).mappings()
    out = []
    for r in rows:
        proximity = round(float(r["proximity"]), 4)
        out.append(
            {
                "a": {
                    "id": r["a_id"],
                    "name": r["a_name"],
                    "kind": r["a_kind"],
                    "commune_code": r["a_commune"],
                },
                "b": {
                    "id": r["b_id"],
                    "name": r["b_name"],
                    "kind": r["b_kind"],
                    "commune_code": r["b_commune"],
                },
                "distance_m": None if r["distance_m"] is None else round(r["distance_m"], 1),
                "perimeters_overlap": bool(r["perimeters_overlap"]),
                "weight": float(r["weight"]),
                "proximity": proximity,
                "score": round(float(r["weight"]) * proximity, 4),
            }
        )
    return out


def _with_ct(name: str) -> TextClause:
    """The named statement with the shared cooperation → territory CTE body."""
    return composed(name, coop_territory=fragment("analysis/coop_territory"))


def missing_complements(
    conn: Connection,
    level: str,
    parent_code: str | None = None,
    parent_level: str | None = None,
) -> list[dict]:
    """Territories having kind A but no cooperation of a complementary kind B.

    B is complementary to A when the matrix weight ≥ `missing_threshold` (yaml). A kind B
    without any data loaded is never "missing" (no data is not absence).
    [{"level", "code", "name", "population", "has": A, "missing": B, "weight",
      "has_count"}] sorted by weight then population, largest first.
    """
    check_level(level)
    parent = resolve_parent(conn, level, parent_code, parent_level)
    m = matrix(conn)
    rows = conn.execute(
        _with_ct("analysis/missing_complements"),
        {
            "level": level,
            **scope_params(parent),
            **_arrays(m["weights"], m["missing_threshold"], distinct=True),
        },
    ).mappings()
    # no data is not absence: a complement with no cooperation loaded is not "missing"
    loaded = {k for k, v in data_status(conn).items() if v["has_data"]}
    return [
        {
            "level": level,
            "code": r["code"],
            "name": r["name"],
            "population": None if r["population"] is None else int(r["population"]),
            "has": r["has"],
            "missing": r["missing"],
            "weight": float(r["weight"]),
            "has_count": int(r["has_count"]),
        }
        for r in rows
        if r["missing"] in loaded
    ]


def synergy_index(
    conn: Connection,
    level: str,
    parent_code: str | None = None,
    parent_level: str | None = None,
) -> list[dict]:
    """Per territory: declared links / potential links (complementary pairs within reach).

    [{"level", "code", "name", "cooperations", "potential_links", "declared_links",
      "undeclared_links", "index" (0–1, None when no potential link)}]
    A link counts in a territory when at least one of its two cooperations is located there.
    """
    check_level(level)
    parent = resolve_parent(conn, level, parent_code, parent_level)
    rows = conn.execute(
        _with_ct("analysis/synergy_index"), {"level": level, **scope_params(parent)}
    ).mappings()
    out = []
    for r in rows:
        potential, declared = int(r["potential_links"]), int(r["declared_links"])
        out.append(
            {
                "level": level,
                "code": r["code"],
                "name": r["name"],
                "cooperations": int(r["cooperations"]),
                "potential_links": potential,
                "declared_links": declared,
                "undeclared_links": potential - declared,
                "index": round(declared / potential, 4) if potential else None,
            }
        )
    return out
