"""An import commits its rows first.

Then refreshes its kinds' figures in a transaction of its own; in between, those kinds say « en
cours de recalcul » / "being recomputed".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from geocoop.analysis.data_status import data_status
from geocoop.analysis.pending import pending_kinds
from geocoop.analysis.selection import selection_status
from geocoop.orchestration import import_cooperations_then_refresh, refresh_analysis

MIXTE = Path(__file__).parent / "data" / "cooperations" / "good" / "mixte.csv"


class Interrupted(Exception):
    """Stands for a process lost between the rows' commit and the refresh."""


def test_rows_commit_first_and_their_kinds_say_they_are_being_recomputed(app, token):
    engine = app.extensions["geocoop.engine"]
    seen = {}

    def between(step: str) -> None:  # another session, while the refresh has not run
        with engine.connect() as other:
            seen["rows"] = other.execute(
                text("SELECT count(*) FROM cooperation WHERE source = 'm'")
            ).scalar_one()
            seen["pending"] = set(pending_kinds(other))
            seen["status"] = data_status(other)
            seen["selection"] = selection_status(other, ["tiers_lieu"], {})

    with engine.connect() as conn:
        report, refreshed = import_cooperations_then_refresh(
            conn, MIXTE, source="m", commit_between=True, on_step=between
        )
    assert refreshed is not None and report.accepted == 7
    touched = set(report.counts["kinds_touched"])
    assert seen["rows"] == 7  # the rows are visible before the refresh…
    assert seen["pending"] == touched and "tiers_lieu" in touched  # …marked as stale
    tiers = seen["status"]["tiers_lieu"]
    assert tiers["recomputing"] is True
    assert tiers["message"].endswith("chiffres en cours de recalcul")
    assert tiers["message_en"].endswith("figures being recomputed")
    assert not seen["status"]["tzcld"]["recomputing"]  # a kind the file did not touch
    (note,) = [n for n in seen["selection"]["notes"] if n["code"] == "recomputing"]
    assert note["kinds"] == ["tiers_lieu"] and "en cours de recalcul" in note["message"]
    with engine.connect() as conn:  # once refreshed, nothing is left stale
        assert pending_kinds(conn) == {}
        assert not data_status(conn)["tiers_lieu"]["recomputing"]
        assert (
            conn.execute(
                text("SELECT count(*) FROM analysis_commune_kind WHERE kind_code = 'tiers_lieu'")
            ).scalar_one()
            > 0
        )


def test_a_refresh_lost_after_the_commit_leaves_rows_marked_until_the_next(app, token):
    engine = app.extensions["geocoop.engine"]

    def crash(step: str) -> None:
        raise Interrupted

    with engine.connect() as conn, pytest.raises(Interrupted):
        import_cooperations_then_refresh(
            conn, MIXTE, source="m", commit_between=True, on_step=crash
        )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one() == 7
        assert "tiers_lieu" in pending_kinds(conn)
        assert data_status(conn)["tiers_lieu"]["recomputing"]
        refresh_analysis(conn)  # `geocoop analyze`
        conn.commit()
        assert pending_kinds(conn) == {}


def test_in_one_transaction_nothing_is_ever_marked(conn, communes):
    report, refreshed = import_cooperations_then_refresh(communes, MIXTE, source="m")
    assert refreshed is not None and report.accepted == 7
    assert pending_kinds(communes) == {}


def test_a_filter_while_a_kind_is_recomputed_answers_from_its_last_figures(app, token, tmp_path):
    """Between an import's commit and its refresh a filter reads the last stored facts.

    It says « en cours de recalcul », and once refreshed it equals the geometry's answer.
    """
    from geocoop.analysis import coverage, facts
    from geocoop.analysis.params import check_filters

    engine = app.extensions["geocoop.engine"]
    with engine.connect() as conn:
        import_cooperations_then_refresh(conn, MIXTE, source="m")
        conn.commit()
    more = tmp_path / "plus.csv"  # one more émergence tiers-lieu, far from the first (Brest)
    more.write_text(
        "nom;type;code_insee;latitude;longitude;stade\n"
        "Le Hangar;tiers-lieu;29019;48,39;-4,49;émergence\n",
        encoding="utf-8",
    )
    ask = {
        "level": "departement",
        "kinds": ["tiers_lieu"],
        "rule": "any",
        "parent": None,
        "filters": check_filters({"stage": ["emergence"]}),
        "distance_m": 20000.0,
    }
    figures = ("communes_covered", "population_covered", "nearest_distance_m")

    def drawn(rows):
        return [(r["code"], *(r[f] for f in figures)) for r in rows]

    with engine.connect() as conn:
        before = drawn(coverage.rollup(conn, **ask))
    seen = {}

    def between(step: str) -> None:
        with engine.connect() as other:
            selection = selection_status(other, ["tiers_lieu"], ask["filters"])
            seen["fast"] = facts.answer(
                other, **{**ask, "kinds": ["tiers_lieu"]}, recomputing=frozenset({"tiers_lieu"})
            )
            seen["stale_check"] = facts.answer(other, **ask)  # without the flag: not answered
            seen["rows"] = coverage.rollup(other, **ask, selection=selection)

    with engine.connect() as conn:
        import_cooperations_then_refresh(
            conn, more, source="plus", commit_between=True, on_step=between
        )
    assert seen["stale_check"] is None  # the profiles changed since the last refresh…
    assert seen["fast"] is not None  # …but the kind is flagged: its last facts answer
    assert drawn(seen["rows"]) == before  # the last figures, not the geometry's new ones
    assert all("en cours de recalcul" in r["data_note"] for r in seen["rows"])
    with engine.connect() as conn:  # refreshed: the stored facts equal the geometry again
        after = coverage.rollup(conn, **ask)
        computed = coverage.rollup_computed(conn, **ask)
        assert not any("recalcul" in (r["data_note"] or "") for r in after)
    assert drawn(after) == drawn(computed) != before  # Brest is covered now
