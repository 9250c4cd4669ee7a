"""Faults: the database going away mid-service gives 503 problems fast, then recovers."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from geocoop.db import make_engine, upgrade
from geocoop.embedded import EmbeddedCluster
from geocoop.errors import ConfigurationError
from tests.conftest import missing


@pytest.fixture(scope="module")
def own_cluster():
    """A cluster of this module's own: the tests stop and restart it."""
    data_dir = Path(tempfile.mkdtemp(prefix="gcf-", dir="/tmp"))
    cluster = EmbeddedCluster(data_dir, "geocoop_fault", fast=True)
    try:
        cluster.start()
    except ConfigurationError as exc:
        pytest.fail(f"no PostGIS cluster: {exc.message}")
    engine = make_engine(cluster.url())
    upgrade(engine)
    engine.dispose()
    yield cluster
    cluster.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


def _get(url: str, timeout: float = 15) -> tuple[int, bytes, float]:
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), time.monotonic() - start
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), time.monotonic() - start


def test_database_stopped_gives_503_then_recovers(own_cluster):
    from werkzeug.serving import make_server

    from geocoop.web import create_app

    app = create_app({"database_url": own_cluster.url(), "secret_key": "t", "pool_size": 2})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        assert _get(base + "/healthz")[0] == 200
        own_cluster.stop()
        for _ in range(3):
            status, body, elapsed = _get(base + "/healthz")
            assert status == 503, body
            assert b'"title"' in body and b"Traceback" not in body
            assert elapsed < 10
        own_cluster.start()
        status, _body, _elapsed = _get(base + "/healthz")
        assert status == 200  # pool_pre_ping replaced the dead connections by itself
    finally:
        server.shutdown()
        app.extensions["geocoop.engine"].dispose()
        own_cluster.start()


def test_database_stopped_under_load_gives_only_200_or_503(own_cluster):
    from werkzeug.serving import make_server

    from benchmarks.load import run_load
    from geocoop.web import create_app

    app = create_app({"database_url": own_cluster.url(), "secret_key": "t", "pool_size": 4})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    def outage():
        time.sleep(1)
        own_cluster.stop()
        time.sleep(2)
        own_cluster.start()

    try:
        stopper = threading.Thread(target=outage)
        stopper.start()
        during = run_load(
            base,
            ["/healthz", "/api/features/collections/communes/items"],
            clients=8,
            seconds=5,
            timeout=15,
        )
        stopper.join()
        assert set(during.statuses) <= {200, 503}, during.statuses
        assert 503 in during.statuses
        assert max(during.latencies_ms) < 10_000
        after = run_load(base, ["/healthz"], clients=2, seconds=1)
        assert set(after.statuses) == {200}, after.statuses
    finally:
        server.shutdown()
        app.extensions["geocoop.engine"].dispose()
        own_cluster.start()


def test_unusable_data_dir_is_a_clear_error():
    blocked = Path(tempfile.mkdtemp(prefix="gcro-", dir="/tmp"))
    try:
        (blocked / "pgdata").write_text("a file where the cluster directory should be")
        cluster = EmbeddedCluster(blocked, "x", fast=True)
        with pytest.raises(ConfigurationError) as info:
            cluster.start()
        assert "pgdata" in info.value.message
    finally:
        shutil.rmtree(blocked, ignore_errors=True)


def test_private_home_checkout_keeps_cluster_where_postgres_can_enter(tmp_path):
    # tmp_path lives under /tmp/pytest-of-root (0700), like a checkout in /root.
    cluster = EmbeddedCluster(tmp_path / "data", "x", fast=True)
    if cluster.user.pw_uid == 0 or tmp_path.parent.stat().st_mode & 0o001:
        return  # not running as root, or a world-traversable tmp: nothing to relocate
    assert str(cluster.pgdata).startswith("/var/lib/geocoop/")


def test_full_disk_is_a_clear_error():
    """A data dir on a full (16 MB tmpfs) disk: one clear French error, nothing half-made."""
    if os.geteuid() != 0:
        missing("mounting a small tmpfs to fill needs root (CI runs as root)")
    mount_point = Path(tempfile.mkdtemp(prefix="gcfull-", dir="/tmp"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        shutil.rmtree(mount_point, ignore_errors=True)
        pytest.fail(f"cannot mount a tmpfs to simulate a full disk: {mounted.stderr.strip()}")
    try:
        with pytest.raises(ConfigurationError, match="Disque plein"):
            EmbeddedCluster(mount_point, "x", fast=True).start()
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)
        shutil.rmtree(mount_point, ignore_errors=True)
