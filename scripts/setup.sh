#!/usr/bin/env bash
# Installs everything geocoop needs on Debian/Ubuntu: system packages (PostgreSQL + PostGIS,
# GDAL, Chromium for browser tests, PyQGIS for the QGIS client test), then a virtualenv
# with geocoop and its dev tools.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ]; then
  need_pkgs+=(postgresql postgresql-contrib)
fi
pg_ver=$(basename "$(dirname "${pg_bin:-/usr/lib/postgresql/15/bin}")")
[ -f "/usr/share/postgresql/$pg_ver/extension/postgis.control" ] || need_pkgs+=("postgresql-$pg_ver-postgis-3")
command -v ogrinfo >/dev/null || need_pkgs+=(gdal-bin)
command -v chromium >/dev/null || need_pkgs+=(chromium)
# Varnish: the shared HTTP cache of the purge test and the cache benchmark
[ -x /usr/sbin/varnishd ] || need_pkgs+=(varnish)
# PyQGIS (QGIS 3.22 on Debian 12) for tests/test_qgis_client.py: its OAPIF provider lives
# in qgis-providers; the bindings are Debian's, imported by /usr/bin/python3 only
/usr/bin/python3 -c "import qgis.core" 2>/dev/null || need_pkgs+=(python3-qgis qgis-providers)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> apt-get install ${need_pkgs[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_pkgs[@]}"
  else
    echo "Missing system packages. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${need_pkgs[*]}" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.geocoop-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> pip install -e .[dev]"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[dev]"
  touch "$stamp"
fi

# uMap (Django) in its own virtualenv, for the browser test that drives a real uMap with
# geocoop's remote-data layers (tests/test_umap_browser.py). Pinned: 3.7.3 is the newest
# release that runs on Python 3.11 (3.8 needs 3.12); gunicorn serves it (Django's dev server
# stalls ~20 s on each of uMap's revalidated datalayer requests). Never imported by geocoop.
UMAP_VERSION=3.7.3
UMAP_GUNICORN=27.0.1
umap_stamp=.venv-umap/.installed-$UMAP_VERSION-$UMAP_GUNICORN
if [ ! -f "$umap_stamp" ]; then
  echo "==> creating .venv-umap (umap-project==$UMAP_VERSION)"
  "$PYTHON" -m venv .venv-umap
  .venv-umap/bin/pip install -q --upgrade pip
  .venv-umap/bin/pip install -q "umap-project==$UMAP_VERSION" "gunicorn==$UMAP_GUNICORN"
  touch "$umap_stamp"
fi
