"""The figures tell the truth: no data is not absence, unknown is not zero (issue 12).

On the 3 × 3 grid of tests/analysis_grid.py (10 km squares, 99001 … 99009). Tiers-lieux
(15 km) at (3, 3) km « émergence », (27, 27) km « opérationnelle » and (15, 15) km with no
stage. Nearest tiers-lieu of each square: 99001 → the first, 99009 → the second, every
other square → the one without a stage (5 or 7.1 km away). PATs with perimeters only:
the first over squares 99005 and 60 % of 99006 (« opérationnelle »), the second naming
99001 and 99005 by code (« émergence »). No other kind has data.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from benchmarks.snapshot import stored_snapshot
from geocoop.analysis import api, compute, filtered
from geocoop.analysis.data_status import data_status
from geocoop.sql import table
from tests.support.analysis_grid import add_cooperation, insert_grid

NNBSP = "\u202f"


@pytest.fixture
def grid(conn):
    insert_grid(conn)
    ids = {
        "tl_em": add_cooperation(conn, "tiers_lieu", 3, 3, stage="emergence"),
        "tl_op": add_cooperation(conn, "tiers_lieu", 27, 27, stage="operationnelle"),
        "tl_unknown": add_cooperation(conn, "tiers_lieu", 15, 15),
        "pat_op": add_cooperation(
            conn, "pat", None, None, perimeter_km=(10, 10, 26, 20), stage="operationnelle"
        ),
        "pat_em": add_cooperation(
            conn, "pat", None, None, perimeter_codes=["99001", "99005"], stage="emergence"
        ),
    }
    api.refresh_all(conn)
    return ids


def _covered(rows) -> set[str]:
    return {r["code"] for r in rows if r["communes_covered"]}


def _communes(conn, kind, **kwargs):
    return api.coverage(conn, level="commune", parent_code="99", kinds=[kind], **kwargs)


def _live(conn, kind, distance_m, **kwargs):
    """The reference: the whole scope computed live (a distance override forces it)."""
    return _communes(conn, kind, distance_m=distance_m, **kwargs)


FIGURES = ("code", "communes_covered", "population_covered")


def _same(fast, live, distance: float) -> None:
    """Same coverage, and the same nearest distance when it is known.

    Same coverage; the same nearest distance, or none when the nearest that passes is
    only known to lie beyond the service distance (not searched for by the fast path).
    """
    assert [{k: r[k] for k in FIGURES} for r in fast] == [{k: r[k] for k in FIGURES} for r in live]
    for f, v in zip(fast, live, strict=True):
        if f["nearest_distance_m"] is None and v["nearest_distance_m"] is not None:
            assert v["nearest_distance_m"] > distance, f["code"]
        else:
            assert f["nearest_distance_m"] == v["nearest_distance_m"], f["code"]


def test_kinds_without_data_get_no_stored_figure_and_no_white_zone(conn, grid):
    stored = {
        r[0] for r in conn.execute(text("SELECT DISTINCT kind_code FROM analysis_commune_kind"))
    }
    assert stored == {"tiers_lieu", "pat"}
    assert api.white_zones(conn, kind="ptce") == []
    assert api.white_zones(conn, kind="ptce", rule="distance") == []
    rows = _communes(conn, "ptce")
    assert all(r["population_covered_pct"] is None for r in rows)
    assert all(r["communes_covered"] is None and r["population"] > 0 for r in rows)
    why = api.explain_commune(conn, "99005", "ptce")
    assert why["covered"] is None and why["data_status"]["status"] == "none"
    assert "n'est pas couverte" not in why["message"]


def test_a_kinds_first_and_last_cooperation_refresh_its_status(conn, grid):
    ptce = add_cooperation(conn, "ptce", 15, 15)
    api.refresh_for_cooperation(conn, ptce)
    incremental = stored_snapshot(conn)
    assert {r[0] for r in incremental} == {"tiers_lieu", "pat", "ptce"}
    api.refresh_all(conn)
    assert stored_snapshot(conn) == incremental
    conn.execute(text("DELETE FROM cooperation WHERE id = :i"), {"i": ptce})
    api.refresh_for_cooperation(conn, ptce)
    incremental = stored_snapshot(conn)
    assert {r[0] for r in incremental} == {"tiers_lieu", "pat"}
    api.refresh_all(conn)
    assert stored_snapshot(conn) == incremental


def test_data_status_counts_sources_vintage_and_reference(conn, grid):
    run = conn.execute(
        text(
            "INSERT INTO ingest_run (target, file_name, source, status, accepted, rejected, "
            "finished_at) "
            "VALUES ('cooperations', 'CGET_TiersLieux_2019.csv', 'cget-tiers-lieux', 'done', "
            "3, 0, now()) RETURNING id"
        )
    ).scalar_one()
    conn.execute(
        text(
            "UPDATE cooperation SET source = 'cget-tiers-lieux', ingest_run_id = :r "
            "WHERE kind_code = 'tiers_lieu'"
        ),
        {"r": run},
    )
    status = data_status(conn)
    tl = status["tiers_lieu"]
    assert tl["status"] == "partial" and tl["cooperations"] == 3
    assert tl["message"] == f"3 tiers-lieux chargés sur ~3{NNBSP}500 recensés en 2023"
    assert tl["message_en"] == "3 third places loaded out of ~3,500 counted in 2023"
    (source,) = tl["sources"]
    assert source["file_name"] == "CGET_TiersLieux_2019.csv"
    assert (source["vintage"], source["vintage_from"]) == ("2019", "file_name")
    assert tl["reference"]["source"].startswith("Observatoire des tiers-lieux, 2023")
    assert status["pat"]["message"].startswith("2 PAT chargés sur 460 reconnus")
    assert status["pat"]["sources"][0]["vintage"] is None  # test rows: no import, no year
    for kind in ("ptce", "tzcld", "scic", "france_services"):
        assert status[kind]["status"] == "none" and status[kind]["message"] == (
            "aucune donnée chargée"
        )
    assert status["ptce"]["reference"]["count"] == 203
    assert status["tzcld"]["reference"]["count"] == 60
    assert status["france_services"]["context"] and status["appui"]["context"]
    assert not status["tiers_lieu"]["context"]


def test_default_kinds_leave_out_context_layers(conn, grid):
    summary = api.coverage_summary(conn, "99", "departement")
    kinds = [k["kind"] for k in summary["by_kind"]]
    assert "france_services" not in kinds and "appui" not in kinds
    assert "tiers_lieu" in kinds and "ptce" in kinds
    assert summary["all"]["kinds_counted"] == ["pat", "tiers_lieu"]


def test_unknown_stage_is_excluded_and_counted(conn, grid):
    status = api.coverage_status(conn, ["tiers_lieu"], {"stage": ["emergence"]})
    assert status["filters"]["stage"] == {
        "values": ["emergence"],
        "known": 2,
        "unknown": 1,
        "matching": 1,
    }
    messages = [n["message"] for n in status["notes"]]
    assert "1 coopération sans stade renseigné, exclue" in messages
    rows = _communes(conn, "tiers_lieu", filters={"stage": ["emergence"]})
    # only the tiers-lieu at (3, 3): 99001 inside, 99002 and 99004 at 7 km, 99005 at 9.9 km
    assert _covered(rows) == {"99001", "99002", "99004", "99005"}
    live = _live(conn, "tiers_lieu", 15000, filters={"stage": ["emergence"]})
    _same(rows, live, 15000)
    # 99003 and 99007, 17 km away, are beyond reach: never 0; exact from the stored
    # per-profile facts (analysis/facts.py), unknown (None) on the filtered computation
    assert rows[2]["nearest_distance_m"] in (None, live[2]["nearest_distance_m"])
    assert live[2]["nearest_distance_m"] > 15000
    assert "1 coopération sans stade renseigné, exclue" in rows[0]["data_note"]


@pytest.mark.parametrize(
    "stages", [["emergence"], ["operationnelle"], ["emergence", "operationnelle"]]
)
@pytest.mark.parametrize("rule", ["any", "distance", "perimeter"])
@pytest.mark.parametrize("kind", ["tiers_lieu", "pat"])
def test_filtered_figures_equal_a_full_live_computation(conn, grid, stages, rule, kind):
    distance = 15000 if kind == "tiers_lieu" else 30000
    filters = {"stage": stages}
    fast = _communes(conn, kind, filters=filters, rule=rule)
    _same(fast, _live(conn, kind, distance, filters=filters, rule=rule), distance)
    for level in ("epci", "departement"):
        fast = api.coverage(conn, level=level, kinds=[kind], filters=filters, rule=rule)
        live = api.coverage(
            conn, level=level, kinds=[kind], filters=filters, rule=rule, distance_m=distance
        )
        _same(fast, live, distance)


def test_perimeter_subset_recomputes_the_communes_it_changes(conn, grid):
    # 99005: both PAT perimeters cover it; the stored best match is the first (lowest id)
    rows = _communes(conn, "pat", filters={"stage": ["emergence"]}, rule="perimeter")
    assert _covered(rows) == {"99001", "99005"}
    rows = _communes(conn, "pat", filters={"stage": ["operationnelle"]}, rule="perimeter")
    assert _covered(rows) == {"99005", "99006"}


def test_only_affected_communes_are_recomputed(conn, grid):
    # leaving out the tiers-lieu without a stage changes the 7 squares it was nearest to
    compute.prepare(conn)
    filters = {"category": None, "socio_economic_model": None,
               "stage": ["emergence", "operationnelle"]}  # fmt: skip
    assert filtered._delta(conn, "tiers_lieu", 15000, filters, None) == 7
    # a filter every tiers-lieu passes reads the stored figures as they are
    selection = api.coverage_status(conn, ["tiers_lieu"], {"category": ["non_modelisee"]})
    assert selection["per_kind"]["tiers_lieu"]["matching"] == 3
    source, _extra = filtered.prepare_source(
        conn, selection, filters={**filters, "stage": None, "category": ["non_modelisee"]},
        distance_m=None, parent=None,
    )  # fmt: skip
    assert source == table(compute.STORED_TABLE)  # the stored table itself, no union


def test_no_cooperation_with_the_value_gives_no_figure(conn, grid):
    # tiers-lieux default to « non modélisée »: none is « modélisée »
    rows = _communes(conn, "tiers_lieu", filters={"category": ["modelisee"]})
    assert all(r["population_covered_pct"] is None for r in rows)
    assert "ne correspond aux filtres : pas de chiffre" in rows[0]["data_note"]
    # no tiers-lieu has a model: the note names the missing value
    status = api.coverage_status(conn, ["tiers_lieu"], {"socio_economic_model": ["hybride"]})
    assert not status["has_figures"] and status["filters"]["socio_economic_model"]["known"] == 0
    assert status["notes"][-1]["message"] == (
        "aucune coopération de la sélection n'a de modèle socio-économique renseigné : "
        "pas de chiffre"
    )
    assert "3 coopérations sans modèle socio-économique renseigné, exclues" in [
        n["message"] for n in status["notes"]
    ]


def test_a_kind_the_filters_leave_empty_is_named(conn, grid):
    # PATs default to « modélisée », tiers-lieux to « non modélisée »
    status = api.coverage_status(conn, ["pat", "tiers_lieu"], {"category": ["modelisee"]})
    assert status["counted"] == ["pat"] and status["without_match"] == ["tiers_lieu"]
    assert status["notes"][-1]["message"] == (
        "aucune coopération ne correspond aux filtres, non comptés : Tiers-lieu"
    )
