"""A real uMap on loopback, with a map of geocoop's remote-data layers.

uMap (the Django app from PyPI, in its own virtualenv `.venv-umap/`, installed by
scripts/setup.sh) served by gunicorn on loopback, with its own database in a geocoop
test/benchmark cluster, holding one map whose layers are geocoop's documented remote-data
URLs (docs/api.md).

No network: uMap's static files are served from the package (DEBUG static URLs), and the
map's base layer is a blank one-pixel image (a `data:` URL), never a tile server.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.gunicorn_server import free_port
from geocoop.config import PROJECT_ROOT
from geocoop.embedded import PORT, SUPERUSER, EmbeddedCluster

UMAP_VENV = PROJECT_ROOT / ".venv-umap"
MAKE_MAP = Path(__file__).with_name("umap_map.py")

# The layers of docs/api.md's table (minimum zoom as documented), plus one layer with a
# small explicit `limit`, so that a truncated answer (and its notice) is seen on any data.
LAYERS = [
    {"name": "Départements", "min_zoom": 0,
     "url": "/api/features/collections/departements/items?profile=umap&bbox={bbox}"},
    {"name": "Communes", "min_zoom": 10,
     "url": "/api/features/collections/communes/items?profile=umap&bbox={bbox}"},
    {"name": "Coopérations", "min_zoom": 0, "type": "Cluster",
     "url": "/api/features/collections/cooperations/items?profile=umap&bbox={bbox}"},
    {"name": "Communes non couvertes (tiers-lieux)", "min_zoom": 9,
     "url": "/api/features/collections/coverage-tiers_lieu/items?profile=umap&covered=false"
            "&bbox={bbox}"},
    {"name": "Couverture des EPCI (PAT)", "min_zoom": 0,
     "url": "/api/features/collections/coverage-epci/items?profile=umap&kind_code=pat"
            "&bbox={bbox}"},
    {"name": "Zones blanches PAT", "min_zoom": 0,
     "url": "/api/features/collections/white-zones-pat/items?profile=umap&bbox={bbox}"},
    {"name": "Communes (200 au plus)", "min_zoom": 0,
     "url": "/api/features/collections/communes/items?profile=umap&limit=200&bbox={bbox}"},
]  # fmt: skip


@dataclass(frozen=True)
class UmapSite:
    """A running uMap and the address of its map of geocoop layers."""

    base_url: str
    map_url: str


def installed() -> bool:
    """True when `.venv-umap/` holds uMap."""
    return (UMAP_VENV / "bin" / "umap").exists()


def _settings(cluster: EmbeddedCluster, db_name: str, workdir: Path, port: int) -> Path:
    path = workdir / "umap.conf"
    database = {
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        "NAME": db_name,
        "USER": SUPERUSER,
        "HOST": str(cluster.socket_dir),
        "PORT": str(PORT),
    }
    path.write_text(
        "\n".join(
            [
                'SECRET_KEY = "geocoop-test-only"',
                "DEBUG = True  # the dev server then serves uMap's static files itself",
                'ALLOWED_HOSTS = ["127.0.0.1", "localhost"]',
                f'SITE_URL = "http://127.0.0.1:{port}"',
                f"DATABASES = {{'default': {database!r}}}",
                "STORAGES = {",
                "  'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},",
                "  'data': {'BACKEND': 'umap.storage.fs.FSDataStorage'},",
                "  'staticfiles': {'BACKEND': "
                "'django.contrib.staticfiles.storage.StaticFilesStorage'},",
                "}",
                f'MEDIA_ROOT = "{workdir / "uploads"}"',
                f'STATIC_ROOT = "{workdir / "static"}"',
                "UMAP_ALLOW_ANONYMOUS = True",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return path


def _wait(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uMap exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"uMap did not answer at {url} within {timeout:.0f} s")


@contextmanager
def umap_site(
    cluster: EmbeddedCluster, geocoop_url: str, layers: list[dict] | None = None
) -> Iterator[UmapSite]:
    """Run uMap with one map of geocoop layers; yield where it is.

    uMap is migrated into a new database `umap` of `cluster`, holds one public map of
    `layers` (default LAYERS) reading `geocoop_url`, and is served on a free loopback port.
    """
    cluster.create_database("umap")
    workdir = Path(tempfile.mkdtemp(prefix="gcumap-", dir="/tmp"))
    port = free_port()
    env = dict(os.environ, UMAP_SETTINGS=str(_settings(cluster, "umap", workdir, port)))
    env["GEOCOOP_URL"] = geocoop_url
    env["UMAP_LAYERS"] = json.dumps(layers or LAYERS)
    umap = str(UMAP_VENV / "bin" / "umap")
    run = {"env": env, "cwd": workdir, "check": True, "capture_output": True, "text": True}
    subprocess.run([umap, "migrate", "-v0"], **run)
    made = subprocess.run([umap, "shell"], input=MAKE_MAP.read_text(encoding="utf-8"), **run)
    map_path = made.stdout.strip().splitlines()[-1]
    log = (workdir / "server.log").open("w")
    # gunicorn, not `umap runserver`: Django's dev server stalls ~20 s on each of uMap's
    # revalidated datalayer requests; DEBUG still serves the static files (staticfiles urls)
    process = subprocess.Popen(
        [
            str(UMAP_VENV / "bin" / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "8",
            "umap.wsgi:application",
        ],  # fmt: skip
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + map_path, process)
        yield UmapSite(base, base + map_path)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        cluster.drop_database("umap")
