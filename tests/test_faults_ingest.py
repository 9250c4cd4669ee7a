"""An ingest killed with SIGKILL half-way leaves the database as it was; a re-run succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import text

from tests.conftest import truncate_data


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one(),
            conn.execute(text("SELECT count(*) FROM ingest_run")).scalar_one(),
        )


def _write_csv(path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("id;nom;latitude;longitude\n")
        for i in range(rows):
            handle.write(f"{i};Tiers-lieu n°{i};48,{100000 + i % 90000};-1,{600000 + i % 90000}\n")


def test_sigkill_midway_leaves_database_unchanged(pg_cluster, db_engine, tmp_path):
    env = {**os.environ, "GEOCOOP_DATABASE_URL": pg_cluster.url("geocoop_test")}
    big = tmp_path / "gros.csv"
    _write_csv(big, 150_000)
    before = _counts(db_engine)
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "geocoop",
                "ingest",
                "cooperations",
                str(big),
                "--kind",
                "tiers_lieu",
                "--source",
                "kill-test",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Wait until the import has written into its (uncommitted) transaction.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            with db_engine.connect() as conn:
                busy = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'geocoop' "
                        "AND state <> 'idle' AND query NOT ILIKE '%pg_stat_activity%' "
                        "AND backend_xid IS NOT NULL"
                    )
                ).scalar_one()
            if busy:
                break
            time.sleep(0.1)
        assert process.poll() is None, "the import finished before it could be killed"
        time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        time.sleep(0.5)  # PostgreSQL notices the dead client and rolls its transaction back
        assert _counts(db_engine) == before

        small = tmp_path / "petit.csv"
        _write_csv(small, 50)
        rerun = subprocess.run(
            [
                sys.executable,
                "-m",
                "geocoop",
                "ingest",
                "cooperations",
                str(small),
                "--kind",
                "tiers_lieu",
                "--source",
                "kill-test",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert rerun.returncode == 0, rerun.stderr
        assert _counts(db_engine)[0] == before[0] + 50
    finally:
        truncate_data(db_engine)
