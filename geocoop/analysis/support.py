"""Support needs (support_rules.yaml, from the study's tables) and support in reach."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import Connection

from geocoop.analysis.params import check_level
from geocoop.errors import ConfigurationError, NotFound
from geocoop.sql import composed, fragment, statement

RULES_FILE = Path(__file__).resolve().parent / "support_rules.yaml"
KEYS = ("stage", "category", "socio_economic_model")


@cache
def rules(path: Path = RULES_FILE) -> list[dict]:
    """The rule table, validated."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out = []
        for i, r in enumerate(data["rules"], start=1):
            unknown = set(r["when"]) - set(KEYS)
            if unknown:
                raise ValueError(f"règle {i} : clé inconnue {', '.join(sorted(unknown))}")
            out.append(
                {
                    "when": dict(r["when"]),
                    "dimension": r["dimension"],
                    "need": r["need"],
                    "label": r["label"],
                    "source": r["source"],
                }
            )
        return out
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"{path.name} illisible : {exc}") from None


def needs_of(coop: dict) -> list[dict]:
    """Needs whose conditions all match the cooperation's stage/category/model."""
    return [
        {k: r[k] for k in ("dimension", "need", "label", "source")}
        for r in rules()
        if all(coop.get(key) == value for key, value in r["when"].items())
    ]


def _rows(conn: Connection, coop_id: int | None, level: str, code: str | None):
    sql = composed(
        "analysis/support_cooperations", coop_territory=fragment("analysis/coop_territory")
    )
    return conn.execute(sql, {"id": coop_id, "code": code, "level": level}).mappings().all()


def support_needs(conn: Connection, cooperation_id: int) -> dict:
    """Accompaniment and financing needs of one cooperation (support_rules.yaml).

    {"cooperation": {"id", "name", "kind", "category", "socio_economic_model", "stage"},
     "needs": [{"dimension": "accompagnement" | "financement", "need" (code),
                "label" (French), "source" (study table)}],
     "support_in_reach": bool, "nearest_support": {"cooperation_id", "name",
     "distance_m"} | None, "support_distance_m"}
    """
    rows = _rows(conn, int(cooperation_id), "commune", None)
    if not rows:
        raise NotFound(f"Coopération introuvable (ou structure d'appui) : {cooperation_id}.")
    r = rows[0]
    coop = {
        "id": r["id"],
        "name": r["name"],
        "kind": r["kind_code"],
        "category": r["category"],
        "socio_economic_model": r["socio_economic_model"],
        "stage": r["stage"],
    }
    nearest = None
    if r["support_id"] is not None:
        nearest = {
            "cooperation_id": r["support_id"],
            "name": r["support_name"],
            "distance_m": round(float(r["support_m"]), 1),
        }
    return {
        "cooperation": coop,
        "needs": needs_of(coop),
        "support_in_reach": bool(r["support_in_reach"]),
        "nearest_support": nearest,
        "support_distance_m": r["support_distance_m"],
    }


def support_needs_by_territory(conn: Connection, level: str, code: str) -> dict:
    """Needs aggregated over the cooperations located in one territory.

    {"level", "code", "name", "cooperations", "by_stage": {stage: n},
     "needs": [{"dimension", "need", "label", "cooperations"}],
     "emergence_without_support": [{"id", "name", "kind", "nearest_support_m"}],
     "communes_without_support": n, "population_without_support": n}
    """
    check_level(level)
    name = "France"
    if level != "france":
        name = conn.execute(
            statement("analysis/territory_name"), {"level": level, "code": code}
        ).scalar()
        if name is None:
            raise NotFound(f"Territoire introuvable : {level} {code}.")
    rows = _rows(conn, None, level, "FR" if level == "france" else code)
    by_stage: dict[str, int] = {}
    counts: dict[tuple, dict] = {}
    without = []
    for r in rows:
        stage = r["stage"] or "inconnu"
        by_stage[stage] = by_stage.get(stage, 0) + 1
        coop = {
            "stage": r["stage"],
            "category": r["category"],
            "socio_economic_model": r["socio_economic_model"],
        }
        for need in needs_of(coop):
            key = (need["dimension"], need["need"])
            entry = counts.setdefault(
                key, {**{k: need[k] for k in ("dimension", "need", "label")}, "cooperations": 0}
            )
            entry["cooperations"] += 1
        if r["stage"] == "emergence" and not r["support_in_reach"]:
            without.append(
                {
                    "id": r["id"],
                    "name": r["name"],
                    "kind": r["kind_code"],
                    "nearest_support_m": (
                        None if r["support_m"] is None else round(float(r["support_m"]), 1)
                    ),
                }
            )
    gaps = conn.execute(
        statement("analysis/support_territory"), {"level": level, "code": code}
    ).one()
    return {
        "level": level,
        "code": "FR" if level == "france" else code,
        "name": name,
        "cooperations": len(rows),
        "by_stage": by_stage,
        "needs": sorted(counts.values(), key=lambda n: (-n["cooperations"], n["need"])),
        "emergence_without_support": without,
        "communes_without_support": int(gaps.communes),
        "population_without_support": int(gaps.population),
    }
