"""The foundation: embedded cluster, migrations, health, CLI errors, settings docs."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from geocoop.config import PROJECT_ROOT, load_settings, setting_names
from geocoop.db import check_migrated, head_revision, make_engine, upgrade
from geocoop.errors import ConfigurationError, NotMigrated


def run_cli(*args: str, env: dict | None = None, timeout: int = 120):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "geocoop", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def test_cluster_is_postgis_3(pg_cluster):
    version = pg_cluster.psql("SELECT postgis_lib_version()", db_name="geocoop_test")
    assert int(version.split(".")[0]) >= 3


def test_start_twice_reuses_cluster(pg_cluster):
    assert pg_cluster.start() is False  # already running: no re-init, no restart
    assert pg_cluster.is_running()


def test_healthz_reports_postgis_and_head(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["migration"] == head_revision() == body["migration_head"]
    assert int(body["postgis_version"].split(".")[0]) >= 3
    assert body["rows"]["kind"] >= 8


def test_unknown_route_is_problem_json(client):
    response = client.get("/no/such/route")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert set(response.get_json()) >= {"status", "title", "detail"}


def test_unmigrated_database_is_refused(pg_cluster):
    pg_cluster.create_database("geocoop_empty")
    engine = make_engine(pg_cluster.url("geocoop_empty"))
    try:
        with pytest.raises(NotMigrated, match="geocoop db upgrade"):
            check_migrated(engine)
    finally:
        engine.dispose()
        pg_cluster.drop_database("geocoop_empty")


def test_an_upgrade_that_rewrites_a_table_leaves_it_vacuumed(pg_cluster):
    """0024 rewrites `territory` (a stored column): the upgrade sets its visibility map again.

    Otherwise counts (`/healthz`) and index-only scans read its whole heap until a vacuum,
    which autovacuum never starts for a rewrite.
    """
    pg_cluster.create_database("geocoop_rewrite")
    engine = make_engine(pg_cluster.url("geocoop_rewrite"))
    visible = text(
        "SELECT relpages, relallvisible FROM pg_class WHERE oid = 'territory'::regclass"
    )
    try:
        upgrade(engine, "0023")
        with engine.begin() as conn:  # ~2 MB of communes, each a 33-vertex outline
            conn.execute(
                text(
                    "INSERT INTO territory (level, code, name, geom) "
                    "SELECT 'commune', lpad(i::text, 5, '0'), 'Commune ' || i, ST_Multi("
                    "ST_Buffer(ST_SetSRID(ST_MakePoint(2 + (i % 60) * 0.01, 46 + (i / 60) "
                    "* 0.01), 4326), 0.004, 8)) FROM generate_series(1, 4000) AS i"
                )
            )
        upgrade(engine)
        with engine.connect() as conn:
            pages, all_visible = conn.execute(visible).one()
        assert pages > 128  # large enough to be looked at
        assert all_visible >= 0.9 * pages
    finally:
        engine.dispose()
        pg_cluster.drop_database("geocoop_rewrite")


def test_cli_unreachable_database_url_is_one_line():
    result = run_cli(
        "db", "status", env={"GEOCOOP_DATABASE_URL": "postgresql://x@127.0.0.1:1/none"}
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "injoignable" in result.stderr


def test_cli_unwritable_data_dir_is_one_line(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    result = run_cli("db", "start", env={"GEOCOOP_DATA_DIR": str(blocked / "sub")})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Erreur :")
    assert result.stderr.strip().count("\n") == 0


def test_cli_port_taken_is_one_line(pg_cluster):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = run_cli(
            "serve",
            "--port",
            str(port),
            env={"GEOCOOP_DATABASE_URL": pg_cluster.url("geocoop_test")},
        )
    assert result.returncode != 0
    assert "déjà pris" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_value_is_clear():
    with pytest.raises(ConfigurationError, match="GEOCOOP_PORT"):
        load_settings(environ={"GEOCOOP_PORT": "eighty"})


def test_help_lists_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("db", "serve", "demo", "token"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.M), command


def test_every_setting_is_documented():
    doc = (PROJECT_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name in setting_names():
        assert name in doc, f"{name} is not documented in docs/configuration.md"


def test_docker_compose_matches_settings():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    db = compose["services"]["db"]
    assert db["image"].startswith("postgis/postgis")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    app_env = compose["services"]["app"]["environment"]
    assert "GEOCOOP_DATABASE_URL" in app_env
    assert set(app_env) <= set(setting_names()), "compose uses an unknown GEOCOOP_ setting"
    assert compose["services"]["app"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_docker_compose_has_a_streaming_standby_serving_reads():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    db, standby = compose["services"]["db"], compose["services"]["db-standby"]
    assert standby["image"] == db["image"]  # the official image for both
    assert "wal_level=replica" in db["command"]
    init = [v.split(":")[0] for v in db["volumes"] if "initdb.d" in v][0]
    script = (PROJECT_ROOT / init).read_text(encoding="utf-8")
    assert "REPLICATION" in script and "pg_create_physical_replication_slot" in script
    boot = " ".join(standby["command"])
    assert "pg_basebackup -h db" in boot and "-R" in boot and "-S geocoop_standby" in boot
    app_env = compose["services"]["app"]["environment"]
    assert "@db-standby:5432/" in app_env["GEOCOOP_READ_DATABASE_URLS"]


def test_readme_test_command_is_what_ci_runs():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make demo" in readme
    assert re.search(r"^make test\b", ci, re.M)


def test_tokens_are_hashed_and_revocable(conn):
    from geocoop.auth import create_token, revoke_token, verify_token

    token = create_token(conn, "réseau")
    stored = conn.execute(text("SELECT token_hash FROM api_token")).scalar_one()
    assert token not in stored and len(stored) == 64
    assert verify_token(conn, token) == "réseau"
    assert verify_token(conn, token + "x") is None
    assert revoke_token(conn, "réseau") == 1
    assert verify_token(conn, token) is None


def test_migrations_are_packaged():
    versions = Path(PROJECT_ROOT / "geocoop" / "migrations" / "versions")
    assert any(versions.glob("0001_*.py"))


def test_healthz_counts_are_kept_per_data_version(client, db_engine):
    """The counts come from this data version's first answer; a write counts again.

    The imports recorded are counted at each call: a failed import writes its row alone,
    without moving the data version.
    """
    from tests.conftest import truncate_data

    before = client.get("/healthz").get_json()["rows"]
    assert client.get("/healthz").get_json()["rows"] == before
    try:
        with db_engine.begin() as conn:  # a write moves the data version
            conn.execute(
                text(
                    "INSERT INTO cooperation (kind_code, name, source, source_id) "
                    "VALUES ('tiers_lieu', 'Lieu compté', 'tests', 'h1')"
                )
            )
        after = client.get("/healthz").get_json()["rows"]
        assert after["cooperation"] == before["cooperation"] + 1
        with db_engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO ingest_run (target, source, file_name, status, accepted, "
                    "rejected) VALUES ('cooperations', 'tests', 'x.csv', 'failed', 0, 1)"
                )
            )
        assert client.get("/healthz").get_json()["rows"]["ingest_run"] == after["ingest_run"] + 1
    finally:
        truncate_data(db_engine)
