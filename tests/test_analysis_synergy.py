"""Synergy gaps and support needs on the synthetic grid (tests/support/analysis_grid.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geocoop.analysis import api
from geocoop.analysis.support import rules
from geocoop.errors import BadRequest, NotFound
from tests.support.analysis_grid import add_cooperation, insert_grid


@pytest.fixture
def grid(conn):
    insert_grid(conn)
    ids = {
        "tl": add_cooperation(
            conn, "tiers_lieu", 5, 5, name="TL", stage="operationnelle", model="hybride"
        ),
        # 10 km east of the tiers-lieu: within the 20 km of complementarity.yaml
        "pat": add_cooperation(conn, "pat", 15, 5, name="PAT", stage="emergence"),
        # 28 km from the tiers-lieu: too far
        "ptce": add_cooperation(
            conn, "ptce", 25, 25, name="PTCE", stage="emergence", category="systemique"
        ),
        "appui": add_cooperation(conn, "appui", 5, 15, name="Réseau d'appui"),
    }
    api.refresh_all(conn)
    return ids


def test_candidates_scored_and_declared_links_excluded(conn, grid):
    pairs = api.synergy_candidates(conn, parent_code="99", limit=50)
    kinds = {frozenset((p["a"]["kind"], p["b"]["kind"])) for p in pairs}
    assert frozenset(("pat", "tiers_lieu")) in kinds
    assert frozenset(("ptce", "tiers_lieu")) not in kinds  # 28 km apart
    best = pairs[0]
    assert {best["a"]["id"], best["b"]["id"]} == {grid["tl"], grid["pat"]}
    assert best["distance_m"] == pytest.approx(10000, rel=0.005)
    assert best["weight"] == 0.8
    assert best["score"] == pytest.approx(0.8 * (1 - best["distance_m"] / 20000), abs=1e-3)
    a, b = sorted((grid["tl"], grid["pat"]))
    conn.execute(
        text("INSERT INTO partnership (cooperation_a_id, cooperation_b_id) VALUES (:a, :b)"),
        {"a": a, "b": b},
    )
    pairs = api.synergy_candidates(conn, parent_code="99", limit=50)
    assert all({p["a"]["id"], p["b"]["id"]} != {a, b} for p in pairs)
    index = {r["code"]: r for r in api.synergy_index(conn, "departement")}["99"]
    assert index["declared_links"] == 1
    assert index["index"] == pytest.approx(1 / index["potential_links"], abs=1e-4)
    with pytest.raises(BadRequest):
        api.synergy_candidates(conn, max_distance_m=100000)


def test_missing_complements(conn, grid):
    rows = api.missing_complements(conn, "departement", parent_code="99", parent_level="region")
    pairs = {(r["has"], r["missing"]) for r in rows}
    # weight 0.9, but no TZCLD is loaded anywhere: no data is not absence
    assert ("ptce", "tzcld") not in pairs
    assert ("pat", "tiers_lieu") not in pairs  # both present
    assert all(r["weight"] >= 0.6 for r in rows)
    conn.execute(  # a TZCLD far from the grid (in no commune of it)
        text(
            "INSERT INTO cooperation (kind_code, name, source, source_id, location) "
            "VALUES ('tzcld', 'TZCLD ailleurs', 't', 'far', ST_SetSRID(ST_MakePoint(10, 60), 4326))"
        )
    )
    rows = api.missing_complements(conn, "departement", parent_code="99", parent_level="region")
    assert ("ptce", "tzcld") in {(r["has"], r["missing"]) for r in rows}


def test_support_needs(conn, grid):
    ptce = api.support_needs(conn, grid["ptce"])
    needs = {n["need"] for n in ptce["needs"]}
    assert needs == {"animation_interne", "appui_strategique"}
    # appui at (5, 15) reaches 50 km: every grid commune is within reach
    assert ptce["support_in_reach"] and ptce["nearest_support"]["name"] == "Réseau d'appui"
    tl = api.support_needs(conn, grid["tl"])
    assert {n["need"] for n in tl["needs"]} == {"animation_gouvernance", "hybridation"}
    pat = api.support_needs(conn, grid["pat"])  # category from the kind: modelisee
    assert "pairs_reseaux" in {n["need"] for n in pat["needs"]}
    with pytest.raises(NotFound):
        api.support_needs(conn, grid["appui"])
    agg = api.support_needs_by_territory(conn, "departement", "99")
    assert agg["cooperations"] == 3
    assert agg["by_stage"] == {"operationnelle": 1, "emergence": 2}
    assert agg["emergence_without_support"] == []
    assert agg["communes_without_support"] == 0


def test_emergence_without_support(conn):
    insert_grid(conn)
    pat = add_cooperation(conn, "pat", 5, 5, stage="emergence")
    api.refresh_all(conn)
    agg = api.support_needs_by_territory(conn, "departement", "99")
    assert [c["id"] for c in agg["emergence_without_support"]] == [pat]
    assert agg["population_without_support"] == 45000


def test_rule_table_covers_the_study():
    table = rules()
    assert {r["need"] for r in table} >= {
        "tiers_de_confiance",
        "financement_complet",
        "appui_strategique",
        "pairs_reseaux",
    }
