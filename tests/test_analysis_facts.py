"""The fast path gives exactly the rows of the computation it replaces.

The fast path (stored roll-ups, live variants from the stored facts: geocoop/analysis/
facts.py) gives exactly the rows of the computation it replaces (`rollup_computed`: the
stored table, or a live computation for another distance or filters), on random grids and
on the bundled real data; and it stays exact after incremental refreshes.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from geocoop.analysis import api, coverage, facts
from geocoop.analysis.params import check_filters, check_kinds
from geocoop.models import CATEGORIES, MODELS, STAGES
from tests.support.analysis_grid import add_cooperation, commune_code, insert_grid

N = 6
KINDS = ["tiers_lieu", "pat", "tzcld", "france_services"]


def _split_grid(conn) -> None:
    """Upper half of the grid in département 98 (région 99): EPCI straddle départements."""
    conn.execute(
        text(
            "INSERT INTO territory (level, code, name, region_code, departement_code) "
            "VALUES ('departement', '98', 'Grille nord', '99', '98')"
        )
    )
    upper = [commune_code(c, r, N) for r in range(N // 2, N) for c in range(N)]
    conn.execute(
        text("UPDATE territory SET departement_code = '98' WHERE level = 'commune' "
             "AND code = ANY (:c)"),
        {"c": upper},
    )  # fmt: skip


def _random_cooperations(conn, rng: random.Random, count: int) -> list[int]:
    ids = []
    codes = [commune_code(c, r, N) for r in range(N) for c in range(N)]
    for _ in range(count):
        kind = rng.choice(KINDS)
        perimeter = perimeter_codes = None
        if kind in ("pat", "tzcld") and rng.random() < 0.5:
            x0, y0 = rng.uniform(0, 50), rng.uniform(0, 50)
            perimeter = (x0, y0, x0 + rng.uniform(5, 25), y0 + rng.uniform(5, 25))
        elif kind == "pat" and rng.random() < 0.5:
            perimeter_codes = rng.sample(codes, 3)
        located = perimeter is None or rng.random() < 0.7
        ids.append(
            add_cooperation(
                conn,
                kind,
                rng.uniform(0.5, 59.5) if located else None,
                rng.uniform(0.5, 59.5) if located else None,
                stage=rng.choice([None, *STAGES]),
                category=rng.choice([None, None, *CATEGORIES]),
                model=rng.choice([None, *MODELS]),
                perimeter_km=perimeter,
                perimeter_codes=perimeter_codes,
                commune=None if located else rng.choice(codes),
                grid_size=N,
            )
        )
    return ids


def _queries(rng: random.Random, count: int, kinds: list[str], parents: list[tuple]):
    """Random coverage requests: level, parent, kinds, rule, distance, filters."""
    default = None
    for _ in range(count):
        level = rng.choice(["commune", "epci", "departement", "region", "france"])
        parent = rng.choice(parents)
        chosen = rng.choice([default, [rng.choice(kinds)], rng.sample(kinds, 2)])
        filters = {}
        if rng.random() < 0.6:
            for name, values in (("stage", STAGES), ("category", CATEGORIES),
                                 ("socio_economic_model", MODELS)):  # fmt: skip
                if rng.random() < 0.4:
                    filters[name] = rng.sample(values, rng.randint(1, len(values)))
        distance = rng.choice([None, None, 0, 4000, 12000, 30000, 100000])
        yield {
            "level": level,
            "parent": parent,
            "kinds": chosen,
            "rule": rng.choice(["any", "distance", "perimeter"]),
            "distance_m": distance,
            "filters": filters or None,
        }


def _args(conn, q: dict) -> dict:
    from geocoop.analysis.params import check_kinds, resolve_parent

    parent = None
    if q["parent"] is not None:
        parent = resolve_parent(conn, q["level"], q["parent"][1], q["parent"][0])
    return {
        "level": q["level"],
        "kinds": check_kinds(conn, q["kinds"]),
        "rule": q["rule"],
        "parent": parent,
        "filters": check_filters(q["filters"]),
        "distance_m": q["distance_m"],
    }


def _same(fast: list[dict], computed: list[dict], q) -> None:
    """Equal rows, up to what the filtered computation cannot know.

    Equal rows; where the filtered computation only knows that the nearest point lies
    beyond the service distance (None, analysis/filtered.py), the stored per-profile facts
    know it exactly: that value alone may differ.
    """
    assert [r["code"] for r in fast] == [r["code"] for r in computed], q
    for f, c in zip(fast, computed, strict=True):
        if c["nearest_distance_m"] is None and f["nearest_distance_m"] is not None:
            assert q["filters"], q
            f = {**f, "nearest_distance_m": None}
        assert f == c, q


def _both(conn, q: dict) -> tuple[list[dict], list[dict]] | None:
    from geocoop.analysis.selection import selection_status

    args = _args(conn, q)
    selection = selection_status(conn, args["kinds"], args["filters"])
    if not selection["counted"]:
        return None  # nothing counted: no figure either way
    fast = facts.answer(conn, **{**args, "kinds": selection["counted"]})
    assert fast is not None, q
    fast_rows = [coverage._row(r) for r in fast]
    return fast_rows, coverage.rollup_computed(conn, **args, selection=selection)


def _headline_stored(conn) -> bool:
    """Whether the roll-ups of every kind with facts but the context layers are stored."""
    from geocoop.sql import statement

    stored = set(conn.execute(statement("analysis/facts_stored_kinds")).scalars())
    key = facts.kinds_key([k for k in check_kinds(conn, None) if k in stored])
    return bool(conn.execute(statement("analysis/facts_rollup_stored"), {"k": key}).scalar())


def _check_random(conn, seed: int, queries: int, parents: list[tuple], kinds: list[str]):
    rng = random.Random(seed)
    for q in _queries(rng, queries, kinds, parents):
        both = _both(conn, q)
        if both is not None:
            _same(*both, q)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_fast_path_equals_computation_on_random_grids(conn, seed):
    rng = random.Random(seed)
    insert_grid(conn, N)
    _split_grid(conn)
    _random_cooperations(conn, rng, 14)
    api.refresh_all(conn)
    parents = [None, ("departement", "99"), ("departement", "98"), ("region", "99"),
               ("epci", "999000001"), ("epci", "999000002"), ("commune", "99008")]  # fmt: skip
    _check_random(conn, seed, 60, parents, KINDS)
    assert _headline_stored(conn)  # the default request (the map's headline) is a read
    # the summary (every kind and all of them) reads the stored roll-up
    for level, code in (("epci", "999000001"), ("departement", "98"), ("france", "FR")):
        summary = api.coverage_summary(conn, code, level, rule="perimeter")
        parent = None if level == "france" else (level, code)
        kinds = check_kinds(conn, None)
        expected = coverage.rollup_computed(
            conn, level=level, kinds=kinds, rule="perimeter", parent=parent,
            filters=check_filters(None), distance_m=None,
        )  # fmt: skip
        assert {k: summary["all"][k] for k in expected[0]} == expected[0]


def test_fast_path_after_incremental_refreshes(conn):
    rng = random.Random(5)
    insert_grid(conn, N)
    ids = _random_cooperations(conn, rng, 8)
    api.refresh_all(conn)
    parents = [None, ("departement", "99"), ("epci", "999000002")]
    for step in range(4):
        if step % 2:
            coop = ids.pop(rng.randrange(len(ids)))
            conn.execute(text("DELETE FROM cooperation WHERE id = :i"), {"i": coop})
        else:
            coop = _random_cooperations(conn, rng, 1)[0]
            ids.append(coop)
        api.refresh_for_cooperation(conn, coop)
        rng_q = random.Random(step)
        for q in _queries(rng_q, 25, KINDS, parents):
            # through the public entry point: fast when it can, computed otherwise
            rows = coverage.rollup(conn, **_args(conn, q))
            for row in rows:
                row.pop("data_note")
            if rows and rows[0]["communes_covered"] is not None:
                _same(rows, coverage.rollup_computed(conn, **_args(conn, q)), q)


def test_stale_facts_are_not_used_for_live_variants(conn):
    insert_grid(conn, 3)
    add_cooperation(conn, "pat", 5, 5, stage="emergence")
    add_cooperation(conn, "pat", 25, 25, stage="operationnelle")
    api.refresh_all(conn)
    args = {
        "level": "commune",
        "kinds": ["pat"],
        "rule": "any",
        "parent": None,
        "filters": check_filters({"stage": ["emergence"]}),
        "distance_m": None,
    }
    assert facts.answer(conn, **args) is not None
    add_cooperation(conn, "pat", 15, 15, stage="emergence")  # not refreshed yet
    assert facts.answer(conn, **args) is None
    rows = coverage.rollup(conn, **args)
    for row in rows:
        row.pop("data_note")
    _same(rows, coverage.rollup_computed(conn, **args), {"filters": True})


def test_fast_path_on_the_bundled_data(demo_engine):
    with demo_engine.connect() as conn, conn.begin() as transaction:
        rng = random.Random(3)
        # give the real cooperations random profiles, so that filters keep some of a kind
        ids = [r[0] for r in conn.execute(text("SELECT id FROM cooperation ORDER BY id"))]
        for coop in ids:
            conn.execute(
                text("UPDATE cooperation SET stage = :s, socio_economic_model = :m WHERE id = :i"),
                {"s": rng.choice([None, *STAGES]), "m": rng.choice([None, *MODELS]), "i": coop},
            )
        api.refresh_all(conn)
        kinds = sorted(
            {r[0] for r in conn.execute(text("SELECT DISTINCT kind_code FROM cooperation"))}
        )
        level_codes = "SELECT code FROM territory WHERE level = :l ORDER BY code"
        deps = list(conn.execute(text(level_codes), {"l": "departement"}).scalars())
        regions = list(conn.execute(text(level_codes), {"l": "region"}).scalars())
        epci = conn.execute(
            text("SELECT code FROM territory WHERE level = 'epci' ORDER BY code LIMIT 1")
        ).scalar()
        parents = [None, *[("departement", d) for d in deps[:2]],
                   *[("region", r) for r in regions[:2]], ("epci", epci)]  # fmt: skip
        _check_random(conn, 3, 40, parents, kinds)
        transaction.rollback()


def test_fast_path_after_a_refresh_by_kind(conn):
    from geocoop.analysis.refresh import refresh_kinds

    rng = random.Random(21)
    insert_grid(conn, N)
    _random_cooperations(conn, rng, 8)
    api.refresh_all(conn)
    _random_cooperations(conn, rng, 6)  # an import of several kinds
    refresh_kinds(conn, KINDS)
    assert _headline_stored(conn)
    parents = [None, ("departement", "99"), ("epci", "999000001")]
    _check_random(conn, 21, 40, parents, KINDS)
    refresh_kinds(conn, ["france_services"])  # a context layer: the headline set stays
    assert _headline_stored(conn)


def test_summaries_read_together_equal_the_computation_on_the_bundled_data(demo_engine):
    """Summaries of the bundled data, read in one go, equal the live computation.

    `coverage_summary` reads every kind set's stored row together (`facts.stored_summary`),
    a stored set standing for another with the same counted kinds (`facts.stored_key`);
    the map's headline set (context layers left out) is stored too.
    """
    from geocoop.analysis.selection import selection_status

    with demo_engine.connect() as conn:
        kinds = check_kinds(conn, None)  # the bundled load stored every set
        every = check_kinds(conn, [r[0] for r in conn.execute(text("SELECT code FROM kind"))])
        no_filters = check_filters(None)
        headline = selection_status(conn, kinds, no_filters)["counted"]
        assert len(headline) > 1
        assert facts.stored_key(conn, headline) == facts.kinds_key(headline)  # stored as is
        first = "SELECT :l, code FROM territory WHERE level = :l ORDER BY code LIMIT 2"
        places = [("france", "FR")]
        for level in ("region", "departement", "epci"):
            places += conn.execute(text(first), {"l": level}).all()
        cases = [("any", None, None), ("perimeter", None, None), ("distance", every, headline),
                 ("any", every, None)]  # the last: every kind together, context layers too
        for n, (level, code) in enumerate(places):
            rule, chosen, together = cases[n % len(cases)]
            parent = None if level == "france" else (level, code)
            stored = facts.stored_summary(
                conn, level=level, parent=parent, rule=rule, kind_sets=[headline, []]
            )
            assert stored is not None, (level, code)
            summary = api.coverage_summary(
                conn, code, level, kinds=chosen, rule=rule, together=together
            )
            wanted = [("all", summary["all"], summary["all"]["kinds_counted"])]
            wanted += [(r["kind"], r, [r["kind"]]) for r in summary["by_kind"]]
            for name, row, counted in wanted:
                if row["communes_covered"] is None:
                    continue  # no figure (no data): nothing to compute
                (expected,) = coverage.rollup_computed(
                    conn, level=level, kinds=counted, rule=rule, parent=parent,
                    filters=no_filters, distance_m=None,
                    selection=selection_status(conn, counted, no_filters),
                )  # fmt: skip
                assert {k: row[k] for k in expected} == expected, (level, code, name)
