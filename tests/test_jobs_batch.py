"""A burst of uploads is imported by batches: one child, one commit, one refresh.

Each job of a batch keeps its own counts, rejects and error, as if it had run alone; the
stored figures after the batch equal a full recompute.
"""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import text

from geocoop.orchestration import import_cooperations_then_refresh
from tests.support.jobs import run_jobs, stored_figures

DATA = Path(__file__).parent / "data" / "cooperations"
MIXTE = DATA / "good" / "mixte.csv"
HEADER_ONLY = DATA / "bad" / "entete_seule.csv"


def _post(client, token: str, path: Path, **form) -> int:
    response = client.post(
        "/api/ingest/cooperations",
        data={"file": (io.BytesIO(path.read_bytes()), path.name), **form},
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_data(as_text=True)[:300]
    return response.get_json()["id"]


def _jobs(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(text("SELECT * FROM job ORDER BY id")).mappings()]


def test_a_batch_keeps_each_jobs_report_and_refreshes_once(client, app, token):
    engine = app.extensions["geocoop.engine"]
    with engine.connect() as conn:  # what each file gives alone, rolled back
        alone, _ = import_cooperations_then_refresh(
            conn, MIXTE, file_name="mixte.csv", actor="tests", source="un"
        )
        conn.rollback()
    ids = [
        _post(client, token, MIXTE, source="un"),
        _post(client, token, HEADER_ONLY, source="vide"),  # refused as a whole
        _post(client, token, MIXTE, source="deux"),
    ]
    assert run_jobs(app) == 3
    one, bad, two = _jobs(engine)
    assert [one["status"], bad["status"], two["status"]] == ["done", "failed", "done"]
    # one batch, in the order the uploads came, one after the other
    assert one["report"]["batch"] == {"jobs": ids, "position": 1}
    assert two["report"]["batch"] == {"jobs": ids, "position": 3}
    assert one["finished_at"] <= bad["started_at"] <= bad["finished_at"] <= two["started_at"]
    want = alone.as_dict()
    for job in (one, two):
        for key in ("accepted", "rejected", "warnings", "rejects"):
            assert job["report"][key] == want[key], key
        assert job["report"]["counts"]["inserted"] == want["counts"]["inserted"] == 7
    assert bad["error"]["status"] == 400 and "entete_seule.csv" in bad["error"]["detail"]
    kinds = sorted(want["counts"]["kinds_touched"])
    assert one["report"]["refreshed"] == {"deferred": kinds}
    assert "deferred" not in two["report"]["refreshed"]  # the last one carries the refresh
    assert two["report"]["refreshed"]["seconds"] >= 0  # the refresh's own figures
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM analysis_pending")).scalar() == 0
        rows = conn.execute(
            text("SELECT source, count(*) FROM cooperation GROUP BY 1 ORDER BY 1")
        ).all()
        assert [tuple(r) for r in rows] == [("deux", 7), ("un", 7)]  # nothing of « vide »
        runs = conn.execute(text("SELECT count(*) FROM ingest_run")).scalar()
        assert runs == 2  # the refused file's run rolled back with its savepoint
        batched = stored_figures(conn)
        from geocoop.orchestration import refresh_analysis

        refresh_analysis(conn)  # a full recompute gives the same stored figures
        assert stored_figures(conn) == batched
        conn.rollback()
    # every upload folder removed once its job ended
    assert not any(Path(j["path"]).parent.exists() for j in (one, bad, two))


def test_a_dry_run_between_uploads_breaks_the_batch(client, app, token):
    _post(client, token, MIXTE, source="un")
    _post(client, token, MIXTE, source="essai", dry_run="true")
    _post(client, token, MIXTE, source="deux")
    assert run_jobs(app) == 3
    jobs = _jobs(app.extensions["geocoop.engine"])
    assert [j["status"] for j in jobs] == ["done"] * 3
    assert all("batch" not in j["report"] for j in jobs)  # each ran alone, in order
    assert jobs[1]["report"]["counts"]["dry_run"] is True
