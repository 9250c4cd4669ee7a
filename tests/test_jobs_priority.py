"""A job's PostgreSQL session is background work: its backend yields the CPU to the reads.

The job's child lowers its own backend (geocoop.jobs.background) on the machine that runs
PostgreSQL; the suite runs as root (or as the cluster's account), which the kernel allows.
"""

from __future__ import annotations

import os

from sqlalchemy import text

from geocoop.jobs import queue, run_pending
from geocoop.jobs.background import lower_session_priority
from geocoop.jobs.isolate import JOB_NICENESS


def _backend(conn) -> int:
    return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_the_job_session_runs_niced_without_parallel_workers(db_engine):
    conn = db_engine.connect()
    try:
        pid = _backend(conn)
        conn.commit()
        # the server's own niceness (0 unless the cluster was started niced)
        want = max(os.getpriority(os.PRIO_PROCESS, pid), JOB_NICENESS)
        how = lower_session_priority(conn, JOB_NICENESS)
        conn.commit()  # a session setting survives its transaction once committed
        assert how == f"no parallel workers; backend {pid} at nice {want} (SCHED_IDLE)"
        assert os.getpriority(os.PRIO_PROCESS, pid) == want
        # preempted at once by any read that wakes up (nice alone lets it end its slice)
        assert os.sched_getscheduler(pid) == os.SCHED_IDLE
        assert conn.execute(text("SHOW max_parallel_workers_per_gather")).scalar_one() == "0"
        # never raised: a backend already lower keeps its niceness
        os.setpriority(os.PRIO_PROCESS, pid, max(want, 15))
        lower_session_priority(conn, JOB_NICENESS)
        assert os.getpriority(os.PRIO_PROCESS, pid) == max(want, 15)
    finally:
        conn.invalidate()  # its backend never serves another test (nor a read)
        conn.close()


def test_a_job_lowers_only_its_own_backend(db_engine, tmp_path):
    """The writer's session (the lock holder) and the pool keep the server's priority."""
    from tests.conftest import truncate_data

    folder = queue.new_folder(tmp_path / "jobs")
    path = folder / "petit.csv"
    path.write_bytes(b"id;nom;latitude;longitude\n1;Lieu;48.11;-1.68\n")
    with db_engine.begin() as conn:
        job_id = queue.submit(
            conn, "cooperations", path=path, file_name="petit.csv", actor="tests",
            options={"kind": "tiers_lieu"},
        )  # fmt: skip
    try:
        assert run_pending(db_engine) == 1
        # the pooled sessions the writer used (its lock holder) kept the server's priority
        with db_engine.connect() as one, db_engine.connect() as two:
            assert queue.describe(one, job_id)["status"] == "done"
            server = one.execute(
                text("SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
            ).scalar_one()
            niceness = {os.getpriority(os.PRIO_PROCESS, _backend(c)) for c in (one, two)}
            assert niceness == {os.getpriority(os.PRIO_PROCESS, server)}
            policies = {os.sched_getscheduler(_backend(c)) for c in (one, two)}
            assert policies == {os.SCHED_OTHER}
    finally:
        truncate_data(db_engine)


def test_the_job_child_runs_niced_in_the_idle_class(tmp_path):
    """The child that imports yields the CPU to any read at once (SCHED_IDLE, nice 19)."""
    from geocoop.jobs.isolate import run_capped

    seen = tmp_path / "seen"

    def work() -> None:
        policy, nice = os.sched_getscheduler(0), os.getpriority(os.PRIO_PROCESS, 0)
        seen.write_text(f"{policy} {nice}")

    assert run_capped(work, memory_mb=64) == 0
    policy, nice = map(int, seen.read_text().split())
    assert policy == os.SCHED_IDLE
    assert nice == max(JOB_NICENESS, os.getpriority(os.PRIO_PROCESS, 0))
    assert os.sched_getscheduler(0) == os.SCHED_OTHER  # the parent is unchanged
