"""A read-only request computes every kind's data status once.

However many of its parts (legend, selection notes, panel sections) ask for it; writes never reuse
it.
"""

from __future__ import annotations

from sqlalchemy import event

from geocoop.analysis.data_status import data_status, status_memo

STATUS_SQL = "What is loaded, per kind and source"


def test_the_memo_serves_one_connection_inside_its_block_only(conn, communes):
    with status_memo():
        first = data_status(conn)
        assert data_status(conn) is first  # the same answer, not computed again
    assert data_status(conn) is not first  # outside the block: computed afresh


def test_a_page_request_computes_the_data_status_once(analysed, app):
    engine = app.extensions["geocoop.engine"]
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if STATUS_SQL in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = analysed.get("/api/maps/territory/35")
        assert response.status_code == 200
        per_get = len(seen)
        analysed.get("/api/analysis/territories/departement/35")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert per_get == 1, per_get
    assert len(seen) == 2  # a second request asks again
