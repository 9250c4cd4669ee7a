"""Reads on a real PostgreSQL streaming standby of the session cluster.

Reads on a real PostgreSQL streaming standby of the session cluster (`geocoop db replica`'s
code: pg_basebackup -R and a replication slot): rows stream to it, pure GETs are served by
it, a session that wrote reads its writes on the primary, and a standby stopped or lagging
beyond GEOCOOP_MAX_REPLICA_LAG_S is skipped without an error. Moderation, the contribution
API, token holders and the ETag reads of Part 4 items stay on the primary even while a
standby that is behind still counts as usable.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from geocoop.config import PROJECT_ROOT
from geocoop.db import make_engine
from geocoop.embedded import StandbyCluster
from geocoop.errors import ConfigurationError
from geocoop.features.version import data_version
from geocoop.ingest.feature_writes import state_tag
from geocoop.ingest.proposals import clean_proposal, submit_proposal
from geocoop.members import add_member, create_organisation
from geocoop.replication import parse_lsn, wal_insert_lsn
from tests.conftest import TOKEN_NAME, missing, truncate_data

DATA = Path(__file__).parent / "data" / "cooperations"
MAX_LAG_S = 1.0
ITEMS = "/api/features/collections/communes/items"


@pytest.fixture(scope="module")
def standby(pg_cluster):
    """A streaming standby of the session cluster, in its sibling folder."""
    replica = StandbyCluster(pg_cluster)
    try:
        replica.start()
    except ConfigurationError as exc:
        replica.remove()
        missing(f"no streaming standby: {exc.message}")
    yield replica
    replica.remove()


@pytest.fixture(scope="module")
def standby_engine(standby, db_engine):
    engine = make_engine(standby.url("geocoop_test"))
    yield engine
    engine.dispose()


def reading_app(pg_cluster, standby, max_lag_s: float):
    """The app on the test database, reading from the standby."""
    from geocoop.web import create_app

    application = create_app(
        {
            "database_url": pg_cluster.url("geocoop_test"),
            "read_database_urls": standby.url("geocoop_test"),
            "max_replica_lag_s": max_lag_s,
            "secret_key": "test",
            "pool_size": 2,
        }
    )
    application.config["TESTING"] = True
    return application


@pytest.fixture
def app(pg_cluster, db_engine, standby):
    """The app reading from the standby while it is at most MAX_LAG_S behind."""
    from geocoop.web.database import dispose

    application = reading_app(pg_cluster, standby, MAX_LAG_S)
    yield application
    dispose(application)
    truncate_data(db_engine)


@pytest.fixture
def tolerant_app(pg_cluster, db_engine, standby):
    """The app reading from the standby even an hour behind: stale reads are served."""
    from geocoop.web.database import dispose

    application = reading_app(pg_cluster, standby, 3600.0)
    yield application
    dispose(application)
    truncate_data(db_engine)


def replay_lsn(standby_engine) -> int:
    with standby_engine.connect() as conn:
        return parse_lsn(conn.execute(text("SELECT pg_last_wal_replay_lsn()::text")).scalar())


def wait_replayed(db_engine, standby_engine, timeout: float = 15) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    with db_engine.connect() as conn:
        target = wal_insert_lsn(conn)
    deadline = time.monotonic() + timeout
    while replay_lsn(standby_engine) < target:
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.05)


def fresh_probes(app) -> None:
    app.extensions["geocoop.replicas"].invalidate()


def served_by(response) -> str:
    return response.headers["X-Geocoop-Database"]


def test_rows_written_on_the_primary_stream_to_the_read_only_standby(
    token, db_engine, standby_engine
):
    wait_replayed(db_engine, standby_engine)
    with db_engine.connect() as primary, standby_engine.connect() as replica:
        sql = text("SELECT count(*) FROM territory")
        assert replica.execute(sql).scalar() == primary.execute(sql).scalar() > 0
        assert replica.execute(text("SELECT pg_is_in_recovery()")).scalar() is True
        names = text("SELECT name FROM api_token")
        assert replica.execute(names).scalars().all() == [TOKEN_NAME]
        with pytest.raises(DBAPIError, match="read-only"):
            replica.execute(text("DELETE FROM api_token"))


def test_the_standby_data_version_follows_replay(token, db_engine, standby_engine):
    """On a standby the data version follows the replay position.

    nextval() WAL-logs only every 32 values: on a standby the version is the replay
    position, so caches there change with every replayed write.
    """
    wait_replayed(db_engine, standby_engine)
    with standby_engine.connect() as conn:
        before = data_version(conn)
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE territory SET population = population + 1"))
    wait_replayed(db_engine, standby_engine)
    with standby_engine.connect() as conn:
        assert data_version(conn) > before


def test_pure_reads_go_to_the_standby_writes_and_admin_to_the_primary(
    app, client, token, db_engine, standby_engine
):
    from geocoop.web.database import connection

    wait_replayed(db_engine, standby_engine)
    fresh_probes(app)
    response = client.get(ITEMS)
    assert response.status_code == 200
    assert served_by(response) == "replica 1"
    assert len(response.get_json()["features"]) > 0  # the rows the primary wrote
    for method, path, recovery in (
        ("GET", ITEMS, True),
        ("GET", "/tiles/communes/0/0/0.mvt", True),
        ("POST", "/api/ingest/cooperations", False),
        ("GET", "/admin/", False),
        ("GET", "/api/ingest/jobs/1", False),
    ):
        with app.test_request_context(path, method=method):
            in_recovery = connection().execute(text("SELECT pg_is_in_recovery()")).scalar()
            assert in_recovery is recovery, (method, path)
    assert served_by(client.get("/tiles/communes/0/0/0.mvt")) == "replica 1"
    assert served_by(client.get("/healthz")) == "primary"


def test_a_session_reads_its_own_writes(app, client, token, db_engine, standby_engine):
    wait_replayed(db_engine, standby_engine)
    fresh_probes(app)
    assert served_by(client.get(ITEMS)) == "replica 1"
    with standby_engine.connect() as conn:
        conn.execute(text("SELECT pg_wal_replay_pause()"))
    try:
        upload = {"file": (io.BytesIO((DATA / "good" / "mixte.csv").read_bytes()), "mixte.csv")}
        response = client.post(
            "/api/ingest/cooperations",
            data={**upload, "kind": "tiers_lieu"},
            headers={"Authorization": f"Bearer {token}"},
            content_type="multipart/form-data",
        )
        assert response.status_code == 202
        assert served_by(response) == "primary"
        fresh_probes(app)
        # the standby has not replayed this session's write: the primary answers
        assert served_by(client.get(ITEMS)) == "primary"
    finally:
        with standby_engine.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_resume()"))
    wait_replayed(db_engine, standby_engine)
    fresh_probes(app)
    assert served_by(client.get(ITEMS)) == "replica 1"


def test_a_lagging_standby_is_skipped(app, client, token, db_engine, standby_engine):
    wait_replayed(db_engine, standby_engine)
    with standby_engine.connect() as conn:
        conn.execute(text("SELECT pg_wal_replay_pause()"))
    try:
        time.sleep(MAX_LAG_S + 0.3)
        with db_engine.begin() as conn:
            conn.execute(text("UPDATE territory SET population = population + 1"))
            target = wal_insert_lsn(conn)
        deadline = time.monotonic() + 10
        with standby_engine.connect() as conn:
            while (
                parse_lsn(conn.execute(text("SELECT pg_last_wal_receive_lsn()::text")).scalar())
                < target
            ):
                assert time.monotonic() < deadline
                time.sleep(0.05)
        fresh_probes(app)
        response = client.get(ITEMS)
        assert response.status_code == 200 and served_by(response) == "primary"
        health = client.get("/healthz").get_json()
        (replica,) = health["replicas"]
        assert replica["state"] == "lagging" and replica["lag_s"] > MAX_LAG_S
        assert health["ok"] is True
    finally:
        with standby_engine.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_resume()"))
    wait_replayed(db_engine, standby_engine)
    health = client.get("/healthz").get_json()
    assert health["replicas"][0]["state"] == "ok"
    assert served_by(client.get(ITEMS)) == "replica 1"


def test_a_stopped_standby_falls_back_to_the_primary(
    app, client, token, standby, db_engine, standby_engine
):
    wait_replayed(db_engine, standby_engine)  # a busy machine can leave it past MAX_LAG_S
    fresh_probes(app)
    assert served_by(client.get(ITEMS)) == "replica 1"  # a pooled connection to it
    standby.stop()
    try:
        for _ in range(3):
            response = client.get(ITEMS)
            assert response.status_code == 200
            assert served_by(response) == "primary"
            assert len(response.get_json()["features"]) > 0
        assert client.get("/tiles/communes/0/0/0.mvt").status_code in (200, 204)
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.get_json()["replicas"][0]["state"] == "down"
    finally:
        standby.start()
    fresh_probes(app)
    deadline = time.monotonic() + 15
    while served_by(client.get(ITEMS)) != "replica 1":
        assert time.monotonic() < deadline, "the restarted standby was never used again"
        time.sleep(0.2)
        fresh_probes(app)


COOPS = "/api/features/collections/cooperations/items"


def secret(conn, name: str, role: str) -> str:
    """A member of « tzcld-bzh » for TZCLD in Ille-et-Vilaine; its token."""
    return add_member(conn, "tzcld-bzh", name, role, ["tzcld"], ["35"])[1]


def test_moderation_and_writes_stay_on_the_primary_while_the_standby_lags(
    tolerant_app, token, db_engine, standby_engine
):
    """A paused standby still counts as usable: only the pinning keeps edits consistent."""
    app = tolerant_app
    with db_engine.begin() as conn:
        create_organisation(conn, "tzcld-bzh", "TZCLD Bretagne")
        editor = {"Authorization": f"Bearer {secret(conn, 'e', 'editor')}"}
        moderator = secret(conn, "m", "moderator")
    gis = app.test_client()  # a GIS client: a token, no cookie
    point = {"type": "Point", "coordinates": [-1.75, 48.0]}
    created = gis.post(
        COOPS,
        json={
            "type": "Feature",
            "geometry": point,
            "properties": {"kind_code": "tzcld", "name": "TZCLD de Bruz"},
        },
        headers=editor,
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    coop = created.get_json()["id"]
    desk = app.test_client()  # the moderator's browser, signed in before the pause
    page = desk.get("/moderation/").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    assert (
        desk.post("/moderation/login", data={"csrf": csrf, "token": moderator}).status_code == 303
    )
    wait_replayed(db_engine, standby_engine)
    with standby_engine.connect() as conn:
        conn.execute(text("SELECT pg_wal_replay_pause()"))
    try:
        fresh_probes(app)
        renamed = gis.patch(
            f"{COOPS}/{coop}",
            json={"properties": {"name": "TZCLD Bruz-Chartres"}},
            headers={**editor, "If-Match": created.headers["ETag"]},
            content_type="application/merge-patch+json",
        )
        assert renamed.status_code == 200, renamed.get_data(as_text=True)
        with db_engine.begin() as conn:  # a visitor's proposal, from another client
            form = {"kind": "tzcld", "name": "TZCLD de Pacé", "commune_code": "35238"}
            submit_proposal(conn, clean_proposal(conn, form), client_hash=None, per_hour=-1)
        # the standby is behind yet usable: a public read gets the old state there…
        public = app.test_client().get(COOPS)
        assert served_by(public) == "replica 1"
        assert public.get_json()["features"][0]["properties"]["name"] == "TZCLD de Bruz"
        with standby_engine.connect() as conn:
            stale_tag = state_tag(conn, coop)
        assert f'"{stale_tag}"' == created.headers["ETag"] != renamed.headers["ETag"]
        # …while the moderation pages read the primary: the new proposal, the new name
        queue = desk.get("/moderation/")
        assert served_by(queue) == "primary"
        assert "TZCLD de Pacé" in queue.get_data(as_text=True)
        editing = desk.get(f"/moderation/cooperations/{coop}/editer")
        assert served_by(editing) == "primary"
        assert "TZCLD Bruz-Chartres" in editing.get_data(as_text=True)
        # the contribution API, and any request with a token, read the primary too
        history = app.test_client().get(f"/api/contrib/cooperations/{coop}/history")
        assert served_by(history) == "primary" and history.get_json()["count"] == 2
        mine = gis.get(COOPS, headers=editor)
        assert served_by(mine) == "primary"
        assert mine.get_json()["features"][0]["properties"]["name"] == "TZCLD Bruz-Chartres"
        # the ETag read before a write (curl -I, no token, no cookie) is the primary's…
        head = app.test_client().head(f"{COOPS}/{coop}")
        assert served_by(head) == "primary" and head.headers["ETag"] == renamed.headers["ETag"]
        # …so a PUT with the ETag just returned succeeds
        replaced = gis.put(
            f"{COOPS}/{coop}",
            json={
                "type": "Feature",
                "geometry": point,
                "properties": {"kind_code": "tzcld", "name": "TZCLD de Bruz"},
            },
            headers={**editor, "If-Match": head.headers["ETag"]},
            content_type="application/geo+json",
        )
        assert replaced.status_code == 200, replaced.get_data(as_text=True)
        got = app.test_client().get(f"{COOPS}/{coop}")
        assert served_by(got) == "primary" and got.headers["ETag"] == replaced.headers["ETag"]
        # an item of a read-only collection is still a standby's read
        assert served_by(app.test_client().get(f"{ITEMS}/35238")) == "replica 1"
    finally:
        with standby_engine.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_resume()"))
    wait_replayed(db_engine, standby_engine)


def test_cli_replica_status_reports_streaming(pg_cluster, standby, standby_engine):
    env = {
        **os.environ,
        "GEOCOOP_DATA_DIR": str(pg_cluster.data_dir),
        "GEOCOOP_DB_NAME": "geocoop_test",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    env.pop("GEOCOOP_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "geocoop", "db", "replica", "status"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["running"] is True and report["state"] == "ok"
    senders = [r for r in report["primary"] if r["what"] == "sender"]
    slots = [r for r in report["primary"] if r["what"] == "slot"]
    assert senders[0]["state"] == "streaming" and senders[0]["name"] == standby.slot
    assert slots[0]["name"] == standby.slot and slots[0]["active"] is True
