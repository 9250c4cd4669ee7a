"""The production server (gunicorn.conf.py) on a free loopback port, for tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geocoop.config import PROJECT_ROOT


@dataclass
class Server:
    """A running gunicorn: its port and master process."""

    port: int
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        """What gunicorn and the application wrote on stderr so far (the end of it)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    @property
    def base(self) -> str:
        """The server's root URL."""
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> set[int]:
        """Process ids of the master's live workers."""
        pid = self.process.pid
        path = Path(f"/proc/{pid}/task/{pid}/children")
        return {int(p) for p in path.read_text().split()}


def free_port() -> int:
    """A loopback port nobody listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, **settings: str) -> Iterator[Server]:
    """The production server with GEOCOOP_* `settings`, up when /healthz answers.

    `gunicorn -c gunicorn.conf.py geocoop.web.wsgi:app`, one worker unless told; stopped at
    the end.
    """
    port = free_port()
    env = {
        **os.environ,
        "GEOCOOP_DATABASE_URL": database_url,
        "GEOCOOP_PORT": str(port),
        "GEOCOOP_WORKERS": "1",
        "GEOCOOP_SECRET_KEY": "test",
        "GEOCOOP_JOBS_WORKER": "true",  # production runs the queue in its workers
        "PYTHONPATH": str(PROJECT_ROOT),
        **{f"GEOCOOP_{k.upper()}": str(v) for k, v in settings.items()},
    }
    log_path = Path(tempfile.mkdtemp(prefix="gcg-")) / "gunicorn.log"
    log_file = open(log_path, "wb")  # noqa: SIM115 (closed with the server)
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(PROJECT_ROOT / "gunicorn.conf.py"),
            "geocoop.web.wsgi:app",
        ],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    server = Server(port, process, log_path)
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(server.base + "/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not come up") from None
                time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()
        shutil.rmtree(log_path.parent, ignore_errors=True)
