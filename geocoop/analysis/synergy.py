"""Synergy gaps: candidate links, missing complements, per-territory synergy index."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import Connection, text

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
from geocoop.sql import sql_source, statement

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
    """(Re)compute stored potential links: all of them, those of one cooperation, or
    those with a cooperation of `kinds` (the others cannot have changed); returns how many
    were written."""
    m = matrix(conn)
    if only_id is not None:
        conn.execute(
            text("DELETE FROM analysis_synergy_pair WHERE :i IN (a_id, b_id)"), {"i": only_id}
        )
    elif kinds is not None:
        conn.execute(statement("analysis/synergy_pairs_delete_kinds"), {"kinds": list(kinds)})
    else:
        conn.execute(text("DELETE FROM analysis_synergy_pair"))
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
    sql = text(
        "SELECT id FROM ("
        + sql_source("analysis/coop_territory")
        + ") ct WHERE "
        + {
            "commune": "commune_code",
            "epci": "epci_code",
            "departement": "departement_code",
            "region": "region_code",
        }[parent[0]]
        + " = :code"
    )
    return [r[0] for r in conn.execute(sql, {"level": "commune", "code": parent[1]})]


def synergy_candidates(
    conn: Connection,
    *,
    max_distance_m: float | None = None,
    parent_code: str | None = None,
    parent_level: str | None = None,
    kinds: list[str] | None = None,
    limit: int = 100,
) -> list[dict]:
    """See geocoop.analysis.api.synergy_candidates."""
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


def _with_ct(name: str) -> str:
    return sql_source(name).replace("{coop_territory}", sql_source("analysis/coop_territory"))


def missing_complements(
    conn: Connection,
    level: str,
    parent_code: str | None = None,
    parent_level: str | None = None,
) -> list[dict]:
    """See geocoop.analysis.api.missing_complements."""
    check_level(level)
    parent = resolve_parent(conn, level, parent_code, parent_level)
    m = matrix(conn)
    rows = conn.execute(
        text(_with_ct("analysis/missing_complements")),
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
    """See geocoop.analysis.api.synergy_index."""
    check_level(level)
    parent = resolve_parent(conn, level, parent_code, parent_level)
    rows = conn.execute(
        text(_with_ct("analysis/synergy_index")), {"level": level, **scope_params(parent)}
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
