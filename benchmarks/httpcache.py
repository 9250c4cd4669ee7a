"""Debian's Varnish on loopback in front of a geocoop server.

deploy/varnish.vcl (the purge hook) pointed at it: the shared HTTP cache of the cache
benchmark and tests.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.gunicorn_server import free_port
from geocoop.config import PROJECT_ROOT

VARNISHD = "/usr/sbin/varnishd"
VCL = PROJECT_ROOT / "deploy" / "varnish.vcl"
_NAMES: dict[str, Path] = {}  # base URL -> varnishd -n folder (for varnishstat)


def installed() -> bool:
    """True when Debian's varnish package is installed."""
    return Path(VARNISHD).exists()


@contextmanager
def varnish(backend_port: int, memory: str = "256m") -> Iterator[str]:
    """Varnish on a free loopback port, caching `127.0.0.1:backend_port`.

    Yields its base URL; stopped and removed afterwards.
    """
    workdir = Path(tempfile.mkdtemp(prefix="gcvarnish-", dir="/tmp"))
    workdir.chmod(0o755)  # varnishd's worker runs as its own unprivileged user
    vcl = workdir / "geocoop.vcl"
    vcl.write_text(
        VCL.read_text(encoding="utf-8").replace('.port = "8000"', f'.port = "{backend_port}"'),
        encoding="utf-8",
    )
    port = free_port()
    process = subprocess.Popen(
        [
            VARNISHD,
            "-F",
            "-n",
            str(workdir / "n"),
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(vcl),
            "-s",
            f"malloc,{memory}",
            "-T",
            "none",
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    _NAMES[base] = workdir / "n"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"varnishd exited with {process.returncode}")
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).close()  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        _NAMES.pop(base, None)
        process.terminate()
        process.wait(timeout=15)
        shutil.rmtree(workdir, ignore_errors=True)


def stats(base: str) -> dict[str, int]:
    """Cache hits and misses so far of the Varnish at `base` (varnishstat)."""
    out = subprocess.run(
        [
            "varnishstat",
            "-n",
            str(_NAMES[base]),
            "-1",
            "-f",
            "MAIN.cache_hit",
            "-f",
            "MAIN.cache_miss",
        ],  # fmt: skip
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    values = {row.split()[0]: int(row.split()[1]) for row in out.splitlines() if row.strip()}
    return {"hit": values.get("MAIN.cache_hit", 0), "miss": values.get("MAIN.cache_miss", 0)}
