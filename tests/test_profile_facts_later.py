"""A by-kind refresh that leaves the per-profile facts to a later step equals a full one.

PAT has several profiles (stage × category × model): an import stores its own figures
first, then its per-profile facts in a step of its own. In between, a stage filter on PAT
says « en cours de recalcul » and answers from the last stored facts, unfiltered figures
do not; afterwards every stored figure equals a full recompute (random edits on a grid).
"""

from __future__ import annotations

import os
import random
from itertools import chain, combinations, product

import pytest
from sqlalchemy import text

from benchmarks.snapshot import stored_snapshot
from geocoop.analysis import facts
from geocoop.analysis.data_status import data_status
from geocoop.analysis.params import FILTER_VALUES, check_filters
from geocoop.analysis.pending import profiles_pending
from geocoop.analysis.refresh import precompute_profile_facts, refresh_profile_facts
from geocoop.analysis.selection import selection_status
from geocoop.features.summary import summaries_current
from geocoop.orchestration import (
    import_cooperations_then_refresh,
    refresh_analysis,
    refresh_analysis_for_kinds,
)
from tests.conftest import truncate_data
from tests.support.analysis_grid import add_cooperation, insert_grid, lonlat

N = 6
STAGES = ["emergence", "operationnelle", None]

PROFILE_FACTS = """
SELECT f.category, f.socio_economic_model, f.stage, f.cooperations, c.commune_code,
       round(c.nearest_edge_m) AS edge, c.covered_perimeter
FROM analysis_commune_profile c JOIN analysis_profile f USING (kind_code, profile_id)
WHERE c.kind_code = 'pat' ORDER BY 1, 2, 3, 5
"""
ROLLUPS = """
SELECT kinds, rule, parent_level, parent_code, level, code, communes_total, communes_covered,
       population, population_covered, round(area_covered_km2::numeric, 6), round(nearest_m)
FROM analysis_rollup ORDER BY 1, 2, 3, 4, 5, 6
"""
STATE = "SELECT kind_code, profiles_complete FROM analysis_kind_state ORDER BY 1"
ASK = {
    "level": "departement",
    "kinds": ["pat"],
    "rule": "any",
    "parent": None,
    "distance_m": None,
}


def _stored(conn) -> tuple:
    return tuple(
        [tuple(r) for r in conn.execute(text(q))] for q in (PROFILE_FACTS, ROLLUPS, STATE)
    ) + (stored_snapshot(conn),)


def _add_pat(conn, rng) -> int:
    return add_cooperation(
        conn,
        "pat",
        rng.uniform(0.5, N * 10 - 0.5),
        rng.uniform(0.5, N * 10 - 0.5),
        stage=rng.choice(STAGES),
        grid_size=N,
    )


def _assert_a_full_refresh_stores_the_same(conn, message: str = "") -> None:
    """What the steps stored equals what a full refresh of everything then stores."""
    stored = _stored(conn)
    refresh_analysis(conn)
    assert stored == _stored(conn), message


def _committed_pat_grid(conn, *, seed: int, pats: int) -> random.Random:
    """The grid with `pats` random PAT, analysed and committed (a connection of the test's own)."""
    insert_grid(conn, N)
    rng = random.Random(seed)
    for _ in range(pats):
        _add_pat(conn, rng)
    conn.commit()
    refresh_analysis(conn)
    conn.commit()
    return rng


def _between(conn) -> dict:
    """What a reader sees between the kind's figures and its profiles' facts."""
    stage = check_filters({"stage": ["emergence"]})
    filtered = selection_status(conn, ["pat"], stage)
    return {
        "pending": set(profiles_pending(conn)),
        "status": data_status(conn)["pat"],
        "filtered_notes": [n for n in filtered["notes"] if n["code"] == "recomputing"],
        "plain_notes": [
            n for n in selection_status(conn, ["pat"], {})["notes"] if n["code"] == "recomputing"
        ],
        "answer": facts.answer(conn, **ASK, filters=stage, recomputing=frozenset({"pat"})),
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_profile_facts_later_equal_a_full_refresh(conn, seed):
    rng = random.Random(seed)
    insert_grid(conn, N)
    add_cooperation(conn, "tiers_lieu", 15, 15, grid_size=N)
    ids = [_add_pat(conn, rng) for _ in range(8)]
    refresh_analysis(conn)
    deferred = 0
    for _batch in range(3):
        for _edit in range(rng.randint(1, 3)):  # a batch of PAT edits, like one import
            if rng.random() < 0.6 or len(ids) < 3:
                ids.append(_add_pat(conn, rng))
            else:
                coop = ids.pop(rng.randrange(len(ids)))
                conn.execute(text("DELETE FROM cooperation WHERE id = :i"), {"i": coop})
        report = refresh_analysis_for_kinds(conn, ["pat"], profiles_later=True)
        seen = _between(conn)
        if report["profiles_later"]:
            deferred += 1
            assert report["profiles_later"] == ["pat"]
            assert seen["pending"] == {"pat"}
            assert seen["status"]["profiles_recomputing"] and not seen["status"]["recomputing"]
            (note,) = seen["filtered_notes"]
            assert note["kinds"] == ["pat"] and "en cours de recalcul" in note["message"]
            assert seen["plain_notes"] == []  # unfiltered PAT figures are fresh
            assert seen["answer"] is not None  # answered from the last stored facts
        later = refresh_profile_facts(conn)
        assert later["kinds"] == report["profiles_later"]
        assert profiles_pending(conn) == {}
        _assert_a_full_refresh_stores_the_same(conn, f"seed {seed}")
    assert deferred  # PAT had several profiles: its facts were left to the later step


def test_an_import_stores_pat_figures_then_its_profile_facts(conn, tmp_path):
    insert_grid(conn, N)
    rng = random.Random(7)
    for _ in range(3):
        _add_pat(conn, rng)
    refresh_analysis(conn)
    lines = ["nom;code_insee;latitude;longitude;stade"]
    for i, (x, y, stage) in enumerate([(5, 5, "émergence"), (45, 35, "opérationnelle")]):
        lon, lat = lonlat(x, y)
        lines.append(f"PAT {i};;{lat:.6f};{lon:.6f};{stage}")
    path = tmp_path / "pat.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seen: dict = {}

    def step(name: str) -> None:
        if name == "profiles":
            seen.update(_between(conn))

    report, refreshed = import_cooperations_then_refresh(
        conn, path, kind="pat", source="later", profiles_later=True, on_step=step
    )
    assert report.accepted == 2
    assert refreshed["profiles_later"] == ["pat"]
    assert refreshed["profile_facts_step"]["kinds"] == ["pat"]
    assert seen["pending"] == {"pat"} and seen["filtered_notes"] and not seen["plain_notes"]
    assert profiles_pending(conn) == {}
    assert not data_status(conn)["pat"]["profiles_recomputing"]
    _assert_a_full_refresh_stores_the_same(conn)


def test_the_profile_step_leaves_the_counts_current_for_its_version(db_engine, tmp_path):
    """As the CLI and the jobs run it (commits between the steps): counts never go stale."""
    truncate_data(db_engine)
    try:
        with db_engine.connect() as conn:
            _committed_pat_grid(conn, seed=3, pats=3)
            lon, lat = lonlat(25, 25)
            path = tmp_path / "pat.csv"
            path.write_text(
                f"nom;code_insee;latitude;longitude;stade\nPAT x;;{lat:.6f};{lon:.6f};émergence\n",
                encoding="utf-8",
            )
            _report, refreshed = import_cooperations_then_refresh(
                conn, path, kind="pat", source="later", commit_between=True
            )
            step = refreshed["profile_facts_step"]
            assert step["kinds"] == ["pat"]
            # computed meanwhile on another connection (a second core), then stored as is
            assert step["ahead"] == (len(os.sched_getaffinity(0)) > 1)
            assert summaries_current(conn)  # the profile step's version, not the one before
            _assert_a_full_refresh_stores_the_same(conn)
            conn.rollback()
    finally:
        truncate_data(db_engine)


def test_facts_computed_ahead_are_not_stored_when_the_data_changed(db_engine):
    """Facts computed on another connection are stored only if computed from the same rows."""
    truncate_data(db_engine)
    try:
        with db_engine.connect() as conn:
            rng = _committed_pat_grid(conn, seed=5, pats=4)
            _add_pat(conn, rng)
            refresh_analysis_for_kinds(conn, ["pat"], profiles_later=True)
            conn.commit()
            prepared = []  # the job queue's background priority, here a witness

            def setup(connection):
                prepared.append(connection.connection.dbapi_connection)

            ahead = precompute_profile_facts(db_engine, ["pat"], session_setup=setup)
            assert ahead.rows  # the profiles a filter reads alone
            assert len(prepared) == 1 and prepared[0].closed  # closed, not back in the pool
            same = refresh_profile_facts(conn, ahead=ahead)
            assert same["ahead"] and same["kinds"] == ["pat"]
            _assert_a_full_refresh_stores_the_same(conn)
            conn.commit()

            _add_pat(conn, rng)  # a row changes after the facts were computed ahead
            refresh_analysis_for_kinds(conn, ["pat"], profiles_later=True)
            conn.commit()
            changed = refresh_profile_facts(conn, ahead=ahead)
            assert changed["kinds"] == ["pat"] and not changed["ahead"]
            _assert_a_full_refresh_stores_the_same(conn)
            conn.rollback()
    finally:
        truncate_data(db_engine)


def _every_filter():
    """Every filter a request can send: each field unfiltered or any non-empty value set."""

    def subsets(values):
        return chain.from_iterable(combinations(values, n) for n in range(1, len(values) + 1))

    fields = list(FILTER_VALUES)
    choices = [[None, *map(list, subsets(FILTER_VALUES[f]))] for f in fields]
    for combo in product(*choices):
        yield dict(zip(fields, combo, strict=True))


@pytest.mark.parametrize(
    "profiles",
    [
        # PAT 2025: 12 without a stage, the others émergence or opérationnelle
        [("modelisee", None, None), ("modelisee", None, "emergence"),
         ("modelisee", None, "operationnelle")],
        [("modelisee", None, None), ("modelisee", "hybride", None)],
        [("non_modelisee", None, "emergence"), ("modelisee", None, "emergence"),
         ("systemique", "marchande", None), ("systemique", None, None)],
        [("modelisee", None, None)],
    ],
)  # fmt: skip
def test_the_facts_left_out_are_those_no_filter_reads_alone(profiles):
    """Over every possible filter, a profile kept without all of its kind's is computed."""
    read = set()
    for filters in _every_filter():
        kept = [i for i, p in enumerate(profiles) if facts._matches((None, *p), filters)]
        if 0 < len(kept) < len(profiles):
            read.update(kept)
    assert facts.profiles_read_alone(profiles) == read
