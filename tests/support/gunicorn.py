"""The production server (gunicorn.conf.py) on a free loopback port, for tests.

The launcher is the benchmarks' (`benchmarks.gunicorn_server`); tests only set their own
defaults: one worker, the job queue run in the workers as in production.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from benchmarks.gunicorn_server import Server, serving

__all__ = ["Server", "gunicorn"]


@contextlib.contextmanager
def gunicorn(database_url: str, **settings: str) -> Iterator[Server]:
    """The production server with GEOCOOP_* `settings`, up when /healthz answers.

    `gunicorn -c gunicorn.conf.py geocoop.web.wsgi:app`, one worker unless told; stopped at
    the end.
    """
    defaults = {"secret_key": "test", "jobs_worker": "true"}  # production runs the queue
    with serving(database_url, settings={**defaults, **settings}) as server:
        yield server
