"""The upload queue in the web process: the job worker thread and the job documents.

`init_app` starts nothing at once: the first request of each process starts its worker
thread (after gunicorn's fork, never before), when GEOCOOP_JOBS_WORKER is on. The worker
has an engine of its own (no idle-in-transaction limit: an import reads its file inside
its transaction) of two connections.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from geocoop import jobs
from geocoop.db import make_engine, resolve_url
from geocoop.ingest.xlsx_guard import XlsxLimits
from geocoop.web.database import connection


class _State:
    def __init__(self, app: Flask) -> None:
        self.settings = app.config["GEOCOOP"]
        self.worker: jobs.Worker | None = None
        self.lock = threading.Lock()

    def ensure_worker(self) -> None:
        if self.worker is not None or not self.settings.jobs_worker:
            return
        with self.lock:
            if self.worker is None:
                settings = self.settings
                engine = make_engine(resolve_url(settings, start=False), _small(settings))
                self.worker = jobs.Worker(
                    engine,
                    retention_days=settings.jobs_retention_days,
                    memory_mb=settings.job_memory_mb,
                    purge_urls=settings.cache_purge_urls,
                    xlsx_limits=XlsxLimits.from_settings(settings),
                ).start()

    def stop(self) -> None:
        with self.lock:
            if self.worker is not None:
                self.worker.stop(timeout=30)
                self.worker.engine.dispose()
                self.worker = None


def _small(settings):
    from dataclasses import replace

    return replace(settings, pool_size=1)


def init_app(app: Flask) -> None:
    """Start the worker thread with the first request of this process (if enabled)."""
    state = _State(app)
    app.extensions["geocoop.jobs"] = state
    app.before_request(state.ensure_worker)


def stop_worker(app: Flask) -> None:
    """Stop this app's worker thread after its current job (tests, shutdown)."""
    app.extensions["geocoop.jobs"].stop()


def wake() -> None:
    """A job was queued: let this process's worker look at once."""
    state = current_app.extensions["geocoop.jobs"]
    state.ensure_worker()
    if state.worker is not None:
        state.worker.wake()


def job_document(job_id: int) -> dict:
    """The job's public document (404 when unknown)."""
    return jobs.describe(connection(), job_id)


def recent_jobs(limit: int = 20) -> list[dict]:
    """The latest jobs for the admin page."""
    return jobs.recent(connection(), limit)
