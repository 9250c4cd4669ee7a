"""The one fixture layer for the database, the web app and live servers.

- `pg_cluster` (session): a private, throw-away PostGIS cluster provisioned by the same code
  as `geocoop db start` (fsync off: it is deleted at the end of the session).
- `db_engine` (session): a migrated test database in it.
- `conn` (test): a connection inside a transaction rolled back after the test. Core
  functions never commit (they use savepoints), so anything they do vanishes.
- `app` / `client` (test): the Flask app on the test database; web writes really commit,
  so the data tables are truncated after each test.
- `demo_engine` / `demo_app` / `live_server` (session): a second database with the bundled
  real data of data/ loaded once, read-only, served on a free loopback port.
- `cold_demo_app` (test): a new app on that database, with empty in-process caches of its
  own — for tests that count what a request runs (the session app's caches carry answers
  from earlier tests, so such counts would depend on the test order).
- `communes` (test): `conn` holding the synthetic communes of tests/data/cooperations/.
- `token` (test): those communes committed and a write token named TOKEN_NAME.
- `grid` / `analysed` (test): `client` on the data-API grid of tests/support/ogc_grid.py,
  `analysed` with its stored analysis refreshed.

In CI (CI=true) a missing PostgreSQL/PostGIS fails the run; locally it skips with a reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from geocoop.config import PROJECT_ROOT, load_settings
from geocoop.db import make_engine, upgrade
from geocoop.embedded import EmbeddedCluster
from geocoop.errors import ConfigurationError
from geocoop.models import Base

IN_CI = os.environ.get("CI", "").lower() == "true"
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
COOPERATION_DATA = Path(__file__).parent / "data" / "cooperations"
TOKEN_NAME = "tests"
# Seeded by the migrations, kept by the truncation.
SEEDED_TABLES = ("kind",)


def missing(reason: str) -> None:
    """Fail in CI, skip with a visible reason elsewhere."""
    if IN_CI:
        pytest.fail(f"CI needs it: {reason}")
    pytest.skip(reason)


def pytest_configure(config):
    """No upload-job worker thread in the test apps unless a test asks for one.

    No upload-job worker thread in the apps the tests build, unless a test asks for one
    (`jobs_worker=True`): a test runs the queue itself (tests/support/jobs.py).
    """
    os.environ["GEOCOOP_JOBS_WORKER"] = "false"
    if "GEOCOOP_JOBS_DIR" not in os.environ:
        jobs_dir = tempfile.mkdtemp(prefix="gcj-", dir="/tmp")
        os.environ["GEOCOOP_JOBS_DIR"] = jobs_dir
        config._geocoop_jobs_dir = jobs_dir


def pytest_unconfigure(config):
    """The upload-job folder this session made is removed with it (not left in /tmp)."""
    jobs_dir = getattr(config, "_geocoop_jobs_dir", None)
    if jobs_dir:
        shutil.rmtree(jobs_dir, ignore_errors=True)
        os.environ.pop("GEOCOOP_JOBS_DIR", None)


@pytest.fixture(scope="session")
def pg_cluster():
    """A private PostGIS cluster for this test session."""
    data_dir = Path(tempfile.mkdtemp(prefix="gct-", dir="/tmp"))
    cluster = None
    try:
        cluster = EmbeddedCluster(data_dir, "geocoop_test", fast=True)
        cluster.start()
    except ConfigurationError as exc:
        shutil.rmtree(data_dir, ignore_errors=True)
        missing(f"no PostgreSQL/PostGIS: {exc.message}")
    yield cluster
    cluster.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def db_engine(pg_cluster):
    """Engine on the migrated test database."""
    engine = make_engine(pg_cluster.url("geocoop_test"), load_settings({"pool_size": 2}))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def conn(db_engine):
    """A connection in a transaction that is rolled back after the test."""
    with db_engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        if transaction.is_active:
            transaction.rollback()


def data_tables() -> list[str]:
    """Every table of the models except the seeded ones, stored analysis included."""
    return [t for t in Base.metadata.tables if t not in SEEDED_TABLES]


def truncate_data(engine) -> None:
    """Empty every data table (kinds, which migrations seed, are kept)."""
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(data_tables())} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(pg_cluster, db_engine):
    """The Flask app on the test database; data tables emptied afterwards."""
    from geocoop.web import create_app

    application = create_app(
        {"database_url": pg_cluster.url("geocoop_test"), "secret_key": "test", "pool_size": 2}
    )
    application.config["TESTING"] = True
    yield application
    application.extensions["geocoop.engine"].dispose()
    truncate_data(db_engine)


@pytest.fixture
def client(app):
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def communes(conn):
    """The synthetic territories of tests/data/cooperations/communes.sql."""
    conn.execute(text((COOPERATION_DATA / "communes.sql").read_text(encoding="utf-8")))
    return conn


@pytest.fixture
def token(app):
    """A write token and the synthetic communes, committed (the app fixture truncates)."""
    from geocoop.auth import create_token

    engine = app.extensions["geocoop.engine"]
    with engine.begin() as connection:
        sql = (COOPERATION_DATA / "communes.sql").read_text(encoding="utf-8")
        connection.execute(text(sql))
        return create_token(connection, TOKEN_NAME)


@pytest.fixture
def grid(app, client, db_engine):
    """The client on a database holding the data-API grid (tests/support/ogc_grid.py).

    Identities restart first: a rolled-back test before this one has advanced the sequences,
    and the grid's tests name their cooperations by id.
    """
    from tests.support.ogc_grid import load_grid

    truncate_data(db_engine)
    load_grid(app)
    return client


@pytest.fixture
def analysed(grid, app):
    """The grid with its stored analysis (and the collections' counts) refreshed."""
    from geocoop.orchestration import refresh_analysis
    from geocoop.web.database import engine

    with app.app_context(), engine().begin() as connection:
        refresh_analysis(connection)
    return grid


@pytest.fixture(scope="session")
def demo_engine(pg_cluster):
    """A database holding the bundled real data (loaded once per session; read-only)."""
    from geocoop.orchestration import load_bundled

    pg_cluster.create_database("geocoop_demo")
    engine = make_engine(pg_cluster.url("geocoop_demo"), load_settings({"pool_size": 2}))
    upgrade(engine)
    for _line in load_bundled(engine, PROJECT_ROOT / "data"):
        pass
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_app(pg_cluster, demo_engine):
    """The app on the bundled-data database."""
    from geocoop.web import create_app
    from geocoop.web.jobs import stop_worker

    # the live map's admin page uploads through the job queue: this app runs it
    application = create_app(
        {
            "database_url": pg_cluster.url("geocoop_demo"),
            "secret_key": "test",
            "pool_size": 4,
            "jobs_worker": True,
        }
    )
    yield application
    stop_worker(application)
    application.extensions["geocoop.engine"].dispose()


@pytest.fixture
def cold_demo_app(pg_cluster, demo_engine):
    """An app on the bundled-data database whose caches start empty (closed afterwards)."""
    from geocoop.web import create_app
    from geocoop.web.database import dispose

    application = create_app(
        {"database_url": pg_cluster.url("geocoop_demo"), "secret_key": "test", "pool_size": 1}
    )
    yield application
    dispose(application)


@pytest.fixture(scope="session")
def live_server(demo_app):
    """`demo_app` served on a free loopback port; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or a visible skip where it is absent."""
    if not SHARED_DATA.is_dir():
        missing(f"full data set absent: {SHARED_DATA} not found")
    return SHARED_DATA


@pytest.fixture(scope="session")
def national_live_server(pg_cluster, shared_data):
    """All of France as a new user loads it, served on a free loopback port.

    All of France as a new user loads it (README « Loading all of France »): every
    boundary, the tiers-lieux, France services and the 460 PAT with their mapping, one
    analysis; served on a free loopback port. About two minutes: full_data tests only.
    """
    from werkzeug.serving import make_server

    from geocoop.ingest.boundaries_bundled import VINTAGE, bundled_paths
    from geocoop.orchestration import (
        import_boundaries,
        import_national_lists,
        refresh_analysis,
    )
    from geocoop.web import create_app

    pg_cluster.create_database("geocoop_national_ui")
    url = pg_cluster.url("geocoop_national_ui")
    engine = make_engine(url, load_settings({"statement_timeout_ms": 900_000, "pool_size": 2}))
    upgrade(engine)
    with engine.begin() as conn:
        import_boundaries(conn, bundled_paths(shared_data), vintage=VINTAGE, progress=False)
        import_national_lists(conn, shared_data, PROJECT_ROOT / "data" / "mappings")
        refresh_analysis(conn)
    engine.dispose()
    application = create_app({"database_url": url, "secret_key": "test", "pool_size": 4})
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    application.extensions["geocoop.engine"].dispose()
