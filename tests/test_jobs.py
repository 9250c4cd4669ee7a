"""Uploads are jobs: one writer at a time through the `job` table, surviving a dead worker."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from geocoop.jobs import queue, run_pending
from geocoop.orchestration import import_cooperations_then_refresh
from tests.support.jobs import report_of, run_jobs, settle, stored_figures

DATA = Path(__file__).parent / "data" / "cooperations"
MIXTE = DATA / "good" / "mixte.csv"


def post(client, token: str, path: Path = MIXTE, url="/api/ingest/cooperations", **form):
    data = {"file": (io.BytesIO(path.read_bytes()), path.name), **form}
    return client.post(
        url,
        data=data,
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )


def jobs_table(app) -> list[dict]:
    with app.extensions["geocoop.engine"].connect() as conn:
        rows = conn.execute(text("SELECT * FROM job ORDER BY id")).mappings()
        return [dict(r) for r in rows]


def test_an_upload_is_a_job_whose_report_is_the_synchronous_one(client, app, token):
    engine = app.extensions["geocoop.engine"]
    with engine.connect() as conn:  # the import as it ran inside the request, rolled back
        expected, refreshed = import_cooperations_then_refresh(
            conn, MIXTE, file_name="mixte.csv", actor="tests", source="api"
        )
        conn.rollback()
    response = post(client, token, source="api")
    assert response.status_code == 202
    queued = response.get_json()
    assert queued["status"] == "queued" and queued["ahead"] == 0
    assert response.headers["Retry-After"]
    (stored,) = jobs_table(app)
    assert Path(stored["path"]).is_file()  # the file waits on disk until the job ends
    report = report_of(client, response, token)
    want = expected.as_dict()
    for key in ("file", "target", "accepted", "rejected", "warnings", "rejects"):
        assert report[key] == want[key], key
    assert report["counts"]["inserted"] == want["counts"]["inserted"] == 7
    assert (report["refreshed"] is None) == (refreshed is None)
    (stored,) = jobs_table(app)
    assert stored["status"] == "done" and stored["attempts"] == 1
    assert not Path(stored["path"]).parent.exists()  # files removed once ended
    listed = client.get("/api/ingest/jobs", headers={"Authorization": f"Bearer {token}"})
    assert listed.get_json()["items"][0]["accepted"] == 7


def test_the_job_url_needs_a_token_and_an_existing_job(client, token):
    response = post(client, token)
    assert client.get(response.headers["Location"]).status_code == 401
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/ingest/jobs/999999", headers=auth).status_code == 404


def test_two_queued_jobs_run_one_after_the_other(client, app, token):
    first = post(client, token, source="un").get_json()
    second = post(client, token, source="deux").get_json()
    assert (first["ahead"], second["ahead"]) == (0, 1)
    engine = app.extensions["geocoop.engine"]
    with engine.connect() as holder:  # another writer holds the lock: nobody else runs
        assert queue.try_lock(holder)
        holder.commit()
        assert run_pending(engine) == 0
        assert [j["status"] for j in jobs_table(app)] == ["queued", "queued"]
        queue.unlock(holder)
        holder.commit()
    assert run_jobs(app) == 2
    one, two = jobs_table(app)
    assert one["status"] == two["status"] == "done"
    assert one["finished_at"] <= two["started_at"]  # never both at once
    assert one["report"]["counts"]["inserted"] == 7
    assert two["report"]["counts"]["inserted"] == 7  # another source: new rows


def test_a_job_left_running_by_a_dead_worker_is_queued_again(client, app, token):
    response = post(client, token, source="api")
    with app.extensions["geocoop.engine"].begin() as conn:
        conn.execute(
            text(
                "UPDATE job SET status = 'running', attempts = 1, worker = 'mort:1', "
                "started_at = now() - interval '1 hour', heartbeat_at = now() - interval '1 hour'"
            )
        )
    job = settle(client, response, token)
    assert job["status"] == "done" and job["attempts"] == 2
    assert job["report"]["accepted"] == 7


def test_a_job_that_kills_every_worker_is_given_up(client, app, token):
    response = post(client, token)
    with app.extensions["geocoop.engine"].begin() as conn:
        conn.execute(text("UPDATE job SET status = 'running', attempts = :n"), {"n": 3})
    job = settle(client, response, token)
    assert job["status"] == "failed" and "abandonné" in job["error"]["detail"]


def test_a_worker_killed_mid_job_leaves_it_to_the_next(client, app, token, pg_cluster):
    """A worker killed mid-job leaves the job to the next writer.

    A real `geocoop jobs work` is SIGKILLed while its job waits on a lock; the next
    writer queues the job again and completes it.
    """
    response = post(client, token, source="api")
    engine = app.extensions["geocoop.engine"]
    env = {**os.environ, "GEOCOOP_DATABASE_URL": pg_cluster.url("geocoop_test")}
    blocker = engine.connect()
    # the app's idle-in-transaction timeout would end the blocker while a loaded machine
    # starts the worker; this transaction only (rolled back below)
    blocker.execute(text("SET LOCAL idle_in_transaction_session_timeout = 0"))
    blocker.execute(text("LOCK TABLE kind IN ACCESS EXCLUSIVE MODE"))  # the import waits
    worker = subprocess.Popen(
        [sys.executable, "-m", "geocoop", "jobs", "work"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while jobs_table(app)[0]["status"] != "running":
            assert time.monotonic() < deadline, "the worker never claimed the job"
            time.sleep(0.2)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        blocker.rollback()
        blocker.close()
        if worker.poll() is None:
            worker.kill()
    assert jobs_table(app)[0]["status"] == "running"  # left behind by the dead worker
    deadline = time.monotonic() + 30
    while run_pending(engine) == 0:  # until the dead session has let the lock go
        assert time.monotonic() < deadline, jobs_table(app)
        time.sleep(0.2)
    (job,) = jobs_table(app)
    assert job["status"] == "done" and job["attempts"] == 2, job
    assert job["report"]["accepted"] == 7
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one() == 7
    assert settle(client, response, token)["status"] == "done"


def test_the_web_worker_thread_runs_the_queue(pg_cluster, db_engine, token, tmp_path):
    from geocoop.web import create_app
    from geocoop.web.jobs import stop_worker
    from tests.conftest import truncate_data

    app = create_app(
        {
            "database_url": pg_cluster.url("geocoop_test"),
            "secret_key": "t",
            "pool_size": 2,
            "jobs_worker": True,
            "jobs_dir": tmp_path,
        }
    )
    client = app.test_client()
    try:
        response = post(client, token, source="api")
        assert response.status_code == 202
        auth = {"Authorization": f"Bearer {token}"}
        deadline = time.monotonic() + 60
        while (job := client.get(response.headers["Location"], headers=auth).get_json())[
            "status"
        ] not in ("done", "failed"):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
        assert job["status"] == "done" and job["report"]["accepted"] == 7
    finally:
        stop_worker(app)
        app.extensions["geocoop.engine"].dispose()
        truncate_data(db_engine)


def _aged_jobs(app, tmp_path) -> dict[str, int]:
    """Five jobs: done 40 days ago, failed 40 days ago, done 2 days ago.

    And a queued and a running job created 40 days ago (never pruned, whatever their age).
    """
    ids = {}
    engine = app.extensions["geocoop.engine"]
    with engine.begin() as conn:
        for name, status, finished in (
            ("old_done", "done", "40 days"),
            ("old_failed", "failed", "40 days"),
            ("recent_done", "done", "2 days"),
            ("queued", "queued", None),
            ("running", "running", None),
        ):
            folder = tmp_path / name
            folder.mkdir()
            (folder / "f.csv").write_text("nom\n")  # a leftover upload folder
            job_id = queue.submit(
                conn,
                "cooperations",
                path=folder / "f.csv",
                file_name="f.csv",
                actor="t",
                options={},
            )
            conn.execute(
                text(
                    "UPDATE job SET status = :s, created_at = now() - interval '41 days', "
                    "finished_at = now() - CAST(:f AS interval) WHERE id = :id"
                ),
                {"s": status, "f": finished, "id": job_id},
            )
            ids[name] = job_id
    return ids


def test_finished_jobs_past_the_retention_are_pruned_by_the_writer(app, tmp_path):
    ids = _aged_jobs(app, tmp_path)
    engine = app.extensions["geocoop.engine"]
    # max_jobs=0: the writer's bookkeeping only (the queued job has no real file to import)
    assert run_pending(engine, max_jobs=0, retention_days=30) == 0
    kept = {j["id"] for j in jobs_table(app)}
    assert kept == {ids["recent_done"], ids["queued"], ids["running"]}
    assert not (tmp_path / "old_done").exists() and not (tmp_path / "old_failed").exists()
    assert (tmp_path / "queued").exists() and (tmp_path / "running").exists()


def test_retention_zero_keeps_everything_and_pruning_is_hourly(app, tmp_path):
    from geocoop.jobs import Retention, prune_finished

    _aged_jobs(app, tmp_path)
    engine = app.extensions["geocoop.engine"]
    assert prune_finished(engine, 0) == 0 and len(jobs_table(app)) == 5
    clock = Retention(30)
    assert clock.due() == 30 and clock.due() == 0  # once, then not before an hour
    assert Retention(0).due() == 0
    assert prune_finished(engine, 1) == 3  # the 2-day-old one too, with a shorter retention


def test_geocoop_jobs_prune_on_the_command_line(app, tmp_path, pg_cluster):
    _aged_jobs(app, tmp_path)
    env = {
        **os.environ,
        "GEOCOOP_DATABASE_URL": pg_cluster.url("geocoop_test"),
        "GEOCOOP_JOBS_RETENTION_DAYS": "30",
    }
    done = subprocess.run(
        [sys.executable, "-m", "geocoop", "jobs", "prune"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "2 tâche(s) finie(s) depuis plus de 30 jour(s) supprimée(s)" in done.stdout
    assert len(jobs_table(app)) == 3


def test_queued_uploads_leave_the_refresh_to_the_last_of_them(client, app, token):
    # three uploads waiting: the first two commit their rows and leave their kinds
    # « being recomputed »; the third refreshes them all once
    for source in ("un", "deux", "trois"):
        assert post(client, token, source=source).status_code == 202
    assert run_jobs(app) == 3
    jobs = jobs_table(app)
    assert [j["status"] for j in jobs] == ["done"] * 3
    assert [j["report"]["counts"]["inserted"] for j in jobs] == [7, 7, 7]
    kinds = sorted(jobs[0]["report"]["counts"]["kinds_touched"])
    assert jobs[0]["report"]["refreshed"] == {"deferred": kinds}
    assert jobs[1]["report"]["refreshed"] == {"deferred": kinds}
    assert "deferred" not in jobs[2]["report"]["refreshed"]
    engine = app.extensions["geocoop.engine"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM analysis_pending")).scalar() == 0
        assert conn.execute(
            text("SELECT count(*) FROM cooperation WHERE source IN ('un', 'deux', 'trois')")
        ).scalar() == 21  # fmt: skip
        by_kinds = stored_figures(conn)
        from geocoop.orchestration import refresh_analysis

        refresh_analysis(conn)  # a full recompute gives the same stored figures
        assert stored_figures(conn) == by_kinds
        conn.rollback()


def test_a_failed_upload_behind_a_deferred_one_still_gets_it_refreshed(client, app, token):
    assert post(client, token, source="un").status_code == 202
    bad = DATA / "bad" / "entete_seule.csv"
    assert post(client, token, bad, source="deux").status_code == 202
    assert run_jobs(app) == 2
    first, second = jobs_table(app)
    assert first["status"] == "done" and "deferred" in first["report"]["refreshed"]
    assert second["status"] == "failed"
    with app.extensions["geocoop.engine"].connect() as conn:  # the writer refreshed them
        assert conn.execute(text("SELECT count(*) FROM analysis_pending")).scalar() == 0
        assert conn.execute(
            text("SELECT count(*) FROM analysis_commune_kind WHERE kind_code = 'scic'")
        ).scalar() > 0  # fmt: skip


def test_a_stopping_writer_starts_no_further_job(client, app, token):
    import threading

    assert post(client, token, source="un").status_code == 202
    stop = threading.Event()
    stop.set()  # SIGTERM came: the queue stays as it is
    assert run_pending(app.extensions["geocoop.engine"], stop=stop) == 0
    assert [j["status"] for j in jobs_table(app)] == ["queued"]
