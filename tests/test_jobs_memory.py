"""Each upload job runs in a child process with a memory cap (geocoop.jobs.isolate).

A file that explodes in memory stops with a clear 413 naming the file and the line, the
database unchanged, the worker's own process untouched.
"""

from __future__ import annotations

import os
import re

from sqlalchemy import text

from geocoop.jobs import queue, run_pending


def _queue(engine, tmp_path, name: str, body: bytes) -> int:
    folder = queue.new_folder(tmp_path / "jobs")
    path = folder / name
    path.write_bytes(body)
    with engine.begin() as conn:
        return queue.submit(
            conn,
            "cooperations",
            path=path,
            file_name=name,
            actor="tests",
            options={"kind": "tiers_lieu"},
        )


def _state(engine) -> tuple:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT (SELECT count(*) FROM cooperation), (SELECT count(*) FROM ingest_run)")
        ).one()


def test_a_file_past_the_memory_cap_is_a_413_with_its_line(db_engine, tmp_path):
    """600,000 short rows (~11 MB) need far more than 64 MiB once read into rows."""
    from tests.conftest import truncate_data

    rows = b"".join(b"%d;Lieu %d;35238\n" % (n, n) for n in range(600_000))
    job_id = _queue(db_engine, tmp_path, "enorme.csv", b"id;nom;code_insee\n" + rows)
    before = _state(db_engine)
    try:
        assert run_pending(db_engine, memory_mb=64) == 1
        with db_engine.connect() as conn:
            job = queue.describe(conn, job_id)
        assert job["status"] == "failed", job
        problem = job["error"]
        assert problem["status"] == 413 and problem["title"] == "Limite dépassée", problem
        # the file and the line being read when the cap was hit
        assert re.match(r"enorme\.csv, ligne \d+ : mémoire de l'import dépassée", problem["detail"])
        assert _state(db_engine) == before  # nothing written, no ingest run kept
        # the worker's own process was never capped: it still allocates freely
        assert len(bytearray(256 * 1024 * 1024)) and os.getpid()
    finally:
        truncate_data(db_engine)


def test_a_normal_job_runs_under_the_cap(db_engine, tmp_path):
    from tests.conftest import truncate_data

    body = b"id;nom;latitude;longitude\n1;Lieu;48.11;-1.68\n"
    job_id = _queue(db_engine, tmp_path, "petit.csv", body)
    try:
        assert run_pending(db_engine, memory_mb=256) == 1
        with db_engine.connect() as conn:
            job = queue.describe(conn, job_id)
        assert job["status"] == "done", job
        assert job["report"]["accepted"] + job["report"]["rejected"] == 1
    finally:
        truncate_data(db_engine)
