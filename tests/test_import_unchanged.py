"""A list imported again does only the work its changes need.

A perimeter whose codes did not change keeps its stored union (computed again once a
territory polygon changed since), and an import that wrote no row leaves its kinds'
figures alone when they are current — but not after an import without analysis.
"""

from __future__ import annotations

from sqlalchemy import text

from geocoop.orchestration import import_cooperations_then_refresh

HEADER = "id;nom;type;code_insee;perimetre\n"
ROWS = "1;PAT du bassin;pat;35238;35238,35047\n2;La Fabrique;tiers-lieu;35238;\n"
# a marker standing for the stored union: kept as is when the union is not computed again
MARKER = "ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(-1.7, 48.0), 4326), 0.01))"


def _import(engine, path, *, refresh=True):
    with engine.connect() as conn:
        report, refreshed = import_cooperations_then_refresh(
            conn, path, source="s", refresh=refresh, commit_between=True
        )
        conn.commit()
    return report, refreshed


def _scalar(engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def test_an_unchanged_list_keeps_its_unions_and_its_figures(app, token, tmp_path):
    engine = app.extensions["geocoop.engine"]
    path = tmp_path / "liste.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    report, refreshed = _import(engine, path)
    assert report.counts["inserted"] == 2 and not refreshed.get("unchanged")
    assert _scalar(engine, "SELECT count(perimeter) FROM cooperation WHERE source_id = '1'") == 1
    with engine.begin() as conn:  # the stored union, as a marker (its updated_at kept)
        conn.execute(text(f"UPDATE cooperation SET perimeter = {MARKER} WHERE source_id = '1'"))
    runs = _scalar(engine, "SELECT count(*) FROM analysis_run")

    report, refreshed = _import(engine, path)
    assert (report.counts["inserted"], report.counts["updated"]) == (0, 0)
    assert refreshed == {"kinds": ["pat", "tiers_lieu"], "unchanged": True, "seconds": 0.0}
    assert _scalar(engine, "SELECT count(*) FROM analysis_run") == runs  # nothing recomputed
    kept = f"SELECT ST_Equals(perimeter, {MARKER}) FROM cooperation WHERE source_id = '1'"
    assert _scalar(engine, kept) is True  # the union was not computed again

    with engine.begin() as conn:  # a boundaries import changes Bruz after the union
        conn.execute(text("UPDATE territory SET updated_at = now() WHERE code = '35047'"))
    report, refreshed = _import(engine, path)
    assert report.counts["updated"] == 1 and not refreshed.get("unchanged")
    assert _scalar(engine, kept) is False  # the union of Rennes and Bruz again
    union = (
        "SELECT ST_Equals(c.perimeter, (SELECT ST_Union(t.geom) FROM territory t "
        "WHERE t.level = 'commune' AND t.code IN ('35238', '35047'))) "
        "FROM cooperation c WHERE c.source_id = '1'"
    )
    assert _scalar(engine, union) is True


def test_rows_imported_without_analysis_are_refreshed_by_the_next_import(app, token, tmp_path):
    engine = app.extensions["geocoop.engine"]
    path = tmp_path / "liste.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    _import(engine, path)
    moved = tmp_path / "liste2.csv"
    moved.write_text(
        HEADER + ROWS.replace("2;La Fabrique;tiers-lieu;35238;", "2;La Fabrique;tiers-lieu;35047;"),
        encoding="utf-8",
    )
    report, refreshed = _import(engine, moved, refresh=False)  # `--no-analyze`
    assert report.counts["updated"] == 1 and refreshed is None
    report, refreshed = _import(engine, moved)  # the same file: no row written…
    assert (report.counts["inserted"], report.counts["updated"]) == (0, 0)
    assert not refreshed.get("unchanged")  # …but the figures were older than the rows
    nearest = (
        "SELECT s.nearest_edge_m FROM analysis_commune_kind s WHERE s.kind_code = 'tiers_lieu' "
        "AND s.commune_code = '35047'"
    )
    assert _scalar(engine, nearest) == 0  # the point is in Bruz now
