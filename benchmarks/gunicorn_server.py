"""The production server (`gunicorn -c gunicorn.conf.py geocoop.web.wsgi:app`) on loopback.

One launcher for the benchmarks and the tests (tests may use the benchmarks' harness, never
the other way round): `start` runs it on a free port, `wait_up` waits for /healthz and
`serving` does both and stops it at the end.
"""

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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nobody listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_up(base: str, timeout: float = 60, process: subprocess.Popen | None = None) -> None:
    """Return when `base`/healthz answers; raise RuntimeError after `timeout` seconds.

    With `process`, give up at once if it has exited (a crash at start-up).
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            exited = process is not None and process.poll() is not None
            if exited or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not come up on {base}") from None
            time.sleep(0.3)


@dataclass
class Server:
    """A running gunicorn: its port, master process and stderr log (if kept)."""

    port: int
    process: subprocess.Popen
    log_path: Path | None = None

    @property
    def base(self) -> str:
        """The server's root URL."""
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        """What gunicorn and the application wrote on stderr so far (the end of it)."""
        if self.log_path is None:
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def workers(self) -> set[int]:
        """Process ids of the master's live workers."""
        pid = self.process.pid
        path = Path(f"/proc/{pid}/task/{pid}/children")
        return {int(p) for p in path.read_text().split()}

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (gunicorn's graceful stop), then SIGKILL after `timeout` seconds."""
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(
    database_url: str,
    *,
    workers: int = 1,
    code: Path = ROOT,
    settings: Mapping[str, object] | None = None,
    args: Sequence[str] = (),
    stderr: int | Path | None = subprocess.DEVNULL,
    port: int | None = None,
) -> Server:
    """Start gunicorn.conf.py on the code of `code`, without waiting for it.

    `settings` are GEOCOOP_* variables by their lower-case name (`jobs_dir=...`); `args` are
    extra gunicorn options (before the application); `stderr` a file path to keep the log.
    """
    port = port or free_port()
    env = {
        **os.environ,
        "GEOCOOP_DATABASE_URL": database_url,
        "GEOCOOP_PORT": str(port),
        "GEOCOOP_WORKERS": str(workers),
        "GEOCOOP_SECRET_KEY": "bench",
        "PYTHONPATH": str(code),
        **{f"GEOCOOP_{k.upper()}": str(v) for k, v in (settings or {}).items()},
    }
    log_path = stderr if isinstance(stderr, Path) else None
    with contextlib.ExitStack() as stack:
        err = stack.enter_context(open(log_path, "ab")) if log_path else stderr
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                str(code / "gunicorn.conf.py"),
                *args,
                "geocoop.web.wsgi:app",
            ],
            env=env,
            cwd=code,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )  # the child keeps its own copy of the log file: ours closes here
    return Server(port, process, log_path)


@contextlib.contextmanager
def serving(database_url: str, **options: object) -> Iterator[Server]:
    """`start(database_url, **options)`, up when /healthz answers, stopped at the end.

    Without a `stderr` option the log goes to a temporary file (`Server.log()`), removed
    with the server.
    """
    folder = None
    if "stderr" not in options:
        folder = Path(tempfile.mkdtemp(prefix="gcg-"))
        options["stderr"] = folder / "gunicorn.log"
    server = start(database_url, **options)  # type: ignore[arg-type]
    try:
        wait_up(server.base, process=server.process)
        yield server
    finally:
        server.stop()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
