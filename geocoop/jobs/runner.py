"""The single writer: drain the job queue, one job at a time, one transaction per job.

`run_pending(engine)` takes the PostgreSQL advisory lock `queue.WRITER_LOCK` on its own
session (without waiting: another process holding it is the writer), queues again the jobs
a dead worker left running, then claims (`FOR UPDATE SKIP LOCKED`) and runs the queued jobs
in order, and deletes the jobs finished longer ago than the retention (`retention_days`).
Each job's import, analysis refresh and `done` mark commit together; a failure
rolls the data back and records the error. `Worker` runs it in a background thread (the
web process) and `geocoop jobs work` in the foreground.

The upload imports right behind the claimed job join it in a batch (up to BATCH_MAX):
one child, one transaction, one savepoint per file, one commit and one refresh, each job
keeping its own report or error (orchestration.import_cooperation_batch).

Each job runs in a forked child whose memory is capped at `memory_mb` (GEOCOOP_JOB_MEMORY_MB,
`geocoop.jobs.isolate`): over it the import stops with a 413 naming the file (and the line
when it was reading one), the data rolled back, and the process serving the web goes on.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import threading
import time
from pathlib import Path

import psycopg
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import DBAPIError

from geocoop.errors import GeocoopError
from geocoop.ingest.report import IngestReport
from geocoop.ingest.xlsx_guard import XlsxLimits
from geocoop.jobs import queue
from geocoop.jobs.background import lower_session_priority
from geocoop.jobs.isolate import DATABASE_GONE, JOB_NICENESS, DatabaseGone, run_capped
from geocoop.orchestration import (
    BatchImport,
    import_cooperation_batch,
    import_cooperations_then_refresh,
    import_partnerships_then_refresh,
    purge_caches,
    refresh_after_batch,
    refresh_pending,
)

log = logging.getLogger(__name__)
OPERATIONS = {
    "cooperations": import_cooperations_then_refresh,
    "partnerships": import_partnerships_then_refresh,
}
HEARTBEAT_S = 5.0
PRUNE_EVERY_S = 3600.0  # the retention is in days: looking once an hour is plenty
DEFAULT_MEMORY_MB = 1024
# A burst of uploads is imported by batches: one child, one territory index, one commit
# and one refresh for up to BATCH_MAX files of BATCH_MAX_BYTES in all (a batch shares the
# child's memory cap, so large files run alone).
BATCH_MAX = 20
BATCH_MAX_BYTES = 32 * 1024 * 1024
INTERNAL = {
    "status": 500,
    "title": "Erreur interne",
    "detail": "Une erreur inattendue est survenue.",
}


def worker_name() -> str:
    """host:pid of this process, recorded on the jobs it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_pending(
    engine: Engine,
    *,
    max_jobs: int | None = None,
    retention_days: int = 0,
    memory_mb: int = DEFAULT_MEMORY_MB,
    purge_urls: str = "",
    stop: threading.Event | None = None,
    xlsx_limits: XlsxLimits | None = None,
) -> int:
    """Run queued jobs until the queue is empty (or `max_jobs` ran); returns how many ran.

    With `stop` set (SIGTERM to `geocoop jobs work`, a worker stopping), no further job
    is started: the current one ends, the others stay queued.

    With `retention_days` > 0, first delete the jobs finished longer ago than that. Each
    job runs in a child process capped at `memory_mb` MiB (0: in this process, no cap).
    After each committed import, the shared HTTP caches of `purge_urls`
    (GEOCOOP_CACHE_PURGE_URLS) are told to forget the stale answers. `xlsx_limits` bound
    an uploaded workbook (GEOCOOP_XLSX_*; default: xlsx_guard's).

    Returns 0 at once when another session holds the writer lock.
    """
    ran = 0
    with engine.connect() as conn:
        locked = queue.try_lock(conn)
        conn.commit()
        if not locked:
            return 0
        try:
            for orphan in queue.requeue_orphans(conn):
                log.warning(
                    "job %s left running by a dead worker: %s", orphan["id"], orphan["status"]
                )
                if orphan["status"] == "failed":
                    _remove_files(orphan["path"])
            conn.commit()
            pruned = queue.prune(conn, retention_days)
            conn.commit()
            for old in pruned:
                _remove_files(old["path"])
            if pruned:
                log.info("%d job(s) finished over %d days ago deleted", len(pruned), retention_days)
            deferred = False
            while (max_jobs is None or ran < max_jobs) and not (stop and stop.is_set()):
                job = queue.claim(conn, worker_name())
                conn.commit()
                if job is None:
                    break
                # the uploads right behind it join its batch (one import child, one commit)
                room = BATCH_MAX if max_jobs is None else min(BATCH_MAX, max_jobs - ran)
                following = queue.claim_following(
                    conn, worker_name(), job, room - 1, BATCH_MAX_BYTES
                )
                jobs = [job, *following]
                conn.commit()
                # more uploads wait: their last one refreshes the figures once for all
                defer = queue.queued_behind(conn, jobs[-1]["id"])
                conn.commit()
                if len(jobs) > 1:
                    committed = _run_batch(engine, conn, jobs, memory_mb, defer, xlsx_limits)
                elif memory_mb > 0:
                    committed = _execute_capped(
                        engine, conn, job, memory_mb, defer=defer, xlsx_limits=xlsx_limits
                    )
                else:
                    committed = _execute(engine, conn, job, defer=defer, xlsx_limits=xlsx_limits)
                deferred = deferred or (committed and defer)
                if committed:
                    purge_caches(purge_urls)  # committed: shared caches drop stale answers
                ran += len(jobs)
            # jobs left queued (stopping, max_jobs) refresh them when they run; an empty
            # queue behind a deferred job means the job meant to refresh them failed
            if deferred and not queue.queued_behind(conn, 0) and _refresh_left(conn):
                purge_caches(purge_urls)
        finally:
            try:
                conn.rollback()
                queue.unlock(conn)
                conn.commit()
            except DBAPIError:
                conn.invalidate()  # a dead session has lost its lock anyway
    return ran


def _refresh_left(conn: Connection) -> bool:
    """Refresh what deferred jobs left « being recomputed » (the job after them failed).

    True when something was refreshed and committed.
    """
    try:
        refreshed = refresh_pending(conn)
        conn.commit()
    except DBAPIError:
        conn.rollback()
        log.exception("refresh of the kinds left by deferred jobs failed")
        return False
    return refreshed is not None


def prune_finished(engine: Engine, days: int) -> int:
    """Delete the jobs finished more than `days` days ago (and any leftover upload folder).

    How many. Safe beside a running writer: it never touches queued or running jobs.
    """
    with engine.begin() as conn:
        pruned = queue.prune(conn, days)
    for old in pruned:
        _remove_files(old["path"])
    return len(pruned)


def _execute_capped(
    engine: Engine,
    conn: Connection,
    job: dict,
    memory_mb: int,
    *,
    defer: bool = False,
    xlsx_limits: XlsxLimits | None = None,
) -> bool:
    """Run the job in a child capped at `memory_mb`; record its end if the child could not.

    True when the child committed a write (the job is done and was not a dry run).
    """

    def work() -> None:
        engine.dispose(close=False)  # the parent's pooled connections stay the parent's
        with engine.connect() as child_conn:
            try:
                # the child's own session, gone with it: the import's SQL yields to reads
                how = lower_session_priority(child_conn, JOB_NICENESS)
                child_conn.commit()  # a session setting rolled back would be lost
                log.info("job %s: %s", job["id"], how)
                _execute(
                    engine,
                    child_conn,
                    job,
                    memory_mb=memory_mb,
                    defer=defer,
                    xlsx_limits=xlsx_limits,
                )
            except DBAPIError as exc:
                raise DatabaseGone from exc

    code = run_capped(work, memory_mb)
    if code == 0:
        status = queue.describe(conn, job["id"])["status"]
        conn.rollback()
        return status == "done" and not (job["options"] or {}).get("dry_run")
    if code == DATABASE_GONE:
        raise DatabaseGone(f"job {job['id']}: the database went away")
    if queue.describe(conn, job["id"])["status"] != "running":
        conn.rollback()
        return False  # the child recorded the job's end before it failed
    conn.rollback()
    how = f"signal {signal.Signals(-code).name}" if code < 0 else f"code {code}"
    log.error("job %s: its process ended with %s", job["id"], how)
    _fail(conn, job, {**INTERNAL, "detail": f"L'import s'est arrêté brutalement ({how})."})
    return False


def _background_session(conn: Connection) -> None:
    how = lower_session_priority(conn, JOB_NICENESS)
    log.info("job connection: %s", how)


def _execute(
    engine: Engine,
    conn: Connection,
    job: dict,
    *,
    memory_mb: int = 0,
    defer: bool = False,
    xlsx_limits: XlsxLimits | None = None,
) -> bool:
    """Run one job; True when it committed a write.

    With `defer`, its rows commit with their kinds « being recomputed » and the refresh is
    left to the job behind it (orchestration.import_then_refresh).
    """
    options = dict(job["options"] or {})
    if options.get("mapping"):
        options["mapping"] = Path(options["mapping"])
    dry_run = bool(options.get("dry_run"))
    heartbeat = _Heartbeat(engine, job["id"])
    heartbeat.start()
    out_of_memory = False
    try:
        report, refreshed = OPERATIONS[job["operation"]](
            conn,
            Path(job["path"]),
            file_name=job["file_name"],
            actor=job["actor"],
            on_step=heartbeat.stage,
            commit_between=not dry_run,  # rows first, then their kinds' refresh
            defer_refresh=defer and not dry_run,
            xlsx_limits=xlsx_limits,
            # another connection it opens (per-profile facts) yields to reads like this one
            session_setup=_background_session,
            **options,
        )
        body = report.as_dict()
        body["refreshed"] = refreshed
        if dry_run:
            conn.rollback()  # nothing of a dry run is kept but its report
        queue.finish(conn, job["id"], report=body)
        conn.commit()
    except DBAPIError as exc:
        conn.rollback()
        if (
            exc.connection_invalidated
            or isinstance(exc.orig, psycopg.OperationalError)
            and not (isinstance(exc.orig, psycopg.errors.QueryCanceled))
        ):
            raise  # the database went away: the job stays running and is queued again
        log.exception("job %s failed in the database", job["id"])
        _fail(conn, job, _database_problem(exc))
    except GeocoopError as exc:
        conn.rollback()
        _fail(conn, job, {"status": exc.status, "title": exc.title, "detail": exc.message})
    except MemoryError:
        out_of_memory = True  # handled below, once the import's frames are let go
    except Exception:
        conn.rollback()
        log.exception("job %s failed", job["id"])
        _fail(conn, job, INTERNAL)
    else:
        _remove_files(job["path"])
        return not dry_run
    finally:
        heartbeat.stop()
    if out_of_memory:
        conn.rollback()
        log.warning("job %s: over its memory cap of %s MiB", job["id"], memory_mb)
        _fail(conn, job, memory_problem(job["file_name"], memory_mb))
    return False


def _run_batch(
    engine: Engine,
    conn: Connection,
    jobs: list[dict],
    memory_mb: int,
    defer: bool,
    xlsx_limits: XlsxLimits | None,
) -> bool:
    """Run a batch of upload imports (in a capped child unless `memory_mb` is 0).

    True when some of its jobs committed rows.
    """
    if memory_mb <= 0:
        return _execute_batch(engine, conn, jobs, defer=defer, xlsx_limits=xlsx_limits)

    def work() -> None:
        engine.dispose(close=False)  # the parent's pooled connections stay the parent's
        with engine.connect() as child_conn:
            try:
                how = lower_session_priority(child_conn, JOB_NICENESS)
                child_conn.commit()
                log.info("jobs %s: %s", [j["id"] for j in jobs], how)
                _execute_batch(
                    engine, child_conn, jobs, memory_mb=memory_mb, defer=defer,
                    xlsx_limits=xlsx_limits,
                )  # fmt: skip
            except DBAPIError as exc:
                raise DatabaseGone from exc

    code = run_capped(work, memory_mb)
    if code == DATABASE_GONE:
        raise DatabaseGone(f"jobs {[j['id'] for j in jobs]}: the database went away")
    statuses = [queue.describe(conn, j["id"])["status"] for j in jobs]
    conn.rollback()
    if code != 0:
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"code {code}"
        log.error("jobs %s: their process ended with %s", [j["id"] for j in jobs], how)
        problem = {**INTERNAL, "detail": f"L'import s'est arrêté brutalement ({how})."}
        for job, status in zip(jobs, statuses, strict=True):
            if status == "running":
                _fail(conn, job, problem)
    return "done" in statuses


def _execute_batch(
    engine: Engine,
    conn: Connection,
    jobs: list[dict],
    *,
    memory_mb: int = 0,
    defer: bool = False,
    xlsx_limits: XlsxLimits | None = None,
) -> bool:
    """Import the files of `jobs` together (orchestration.import_cooperation_batch).

    Each job keeps its own report (counts, rejects) or its own error; their rows commit
    together, then one refresh of their kinds (unless `defer`: the next batch does it).
    The refresh figures go to the batch's last job, the others saying
    `"refreshed": {"deferred": kinds}`, as a burst of single jobs does. True when rows
    were committed.
    """
    heartbeat = _Heartbeat(engine, jobs[0]["id"])
    heartbeat.start()
    ended: dict[int, object] = {}

    def on_item(i: int, stage: str) -> None:
        if stage == "start":
            heartbeat.follow(jobs[i]["id"])
        else:  # its own end time: the next job's start comes after it
            ended[i] = conn.execute(select(func.clock_timestamp())).scalar_one()

    items = []
    for job in jobs:
        options = dict(job["options"] or {})
        if options.get("mapping"):
            options["mapping"] = Path(options["mapping"])
        items.append(
            {**options, "path": job["path"], "file_name": job["file_name"],
             "actor": job["actor"], "xlsx_limits": xlsx_limits}
        )  # fmt: skip
    try:
        batch = import_cooperation_batch(conn, items, on_item=on_item)
        refreshed = None
        if batch.refresh and not defer:
            heartbeat.stage("refresh")
            refreshed = refresh_after_batch(conn, batch)
        for i, (job, outcome) in enumerate(zip(jobs, batch.outcomes, strict=True)):
            if isinstance(outcome, IngestReport):
                body = outcome.as_dict()
                body["refreshed"] = _refreshed_of(batch, i, outcome, refreshed, defer)
                body["batch"] = {"jobs": [j["id"] for j in jobs], "position": i + 1}
                queue.finish(conn, job["id"], report=body, finished_at=ended.get(i))
            else:
                problem = _problem_of(outcome, job, memory_mb)
                queue.finish(conn, job["id"], error=problem, finished_at=ended.get(i))
        conn.commit()
    except DBAPIError as exc:
        conn.rollback()
        if _connection_lost(exc):
            raise  # the jobs stay running and are queued again
        log.exception("jobs %s failed in the database", [j["id"] for j in jobs])
        _fail_running(conn, jobs, _database_problem(exc))
        return False
    except Exception as exc:
        conn.rollback()
        log.exception("jobs %s failed", [j["id"] for j in jobs])
        _fail_running(conn, jobs, _problem_of(exc, jobs[0], memory_mb))
        return False
    finally:
        heartbeat.stop()
    for job in jobs:
        _remove_files(job["path"])
    return any(isinstance(o, IngestReport) for o in batch.outcomes)


def _refreshed_of(
    batch: BatchImport, i: int, report: IngestReport, refreshed: dict | None, defer: bool
) -> dict | None:
    """What a job of a batch says about the refresh of its figures."""
    kinds = sorted(report.counts.get("kinds_touched") or ())
    if not report.accepted:
        return None
    if not batch.refresh:
        return {"kinds": kinds, "unchanged": True, "seconds": 0.0} if kinds else None
    # the batch's last job carries the refresh figures; should it have failed, every job
    # says its refresh was deferred (the batch still refreshed them, after its commit)
    if i == len(batch.outcomes) - 1 and not defer:
        return refreshed
    return {"deferred": kinds}


def _problem_of(exc: BaseException, job: dict, memory_mb: int) -> dict:
    """The problem a job of a batch ends with: its file refused, too big, or a fault."""
    if isinstance(exc, GeocoopError):
        return {"status": exc.status, "title": exc.title, "detail": exc.message}
    if isinstance(exc, MemoryError):
        log.warning("job %s: over its memory cap of %s MiB", job["id"], memory_mb)
        return memory_problem(job["file_name"], memory_mb)
    log.error("job %s failed", job["id"], exc_info=exc)
    if isinstance(exc, DBAPIError):
        return _database_problem(exc)
    return INTERNAL


def _fail_running(conn: Connection, jobs: list[dict], problem: dict) -> None:
    """Fail the jobs of a batch that nothing ended yet (the batch stopped as a whole)."""
    for job in jobs:
        if queue.describe(conn, job["id"])["status"] == "running":
            _fail(conn, job, problem)
        else:
            conn.rollback()


def _connection_lost(exc: DBAPIError) -> bool:
    """Whether the database went away (the job stays running, to be queued again)."""
    return bool(
        exc.connection_invalidated
        or isinstance(exc.orig, psycopg.OperationalError)
        and not isinstance(exc.orig, psycopg.errors.QueryCanceled)
    )


def memory_problem(file_name: str, memory_mb: int) -> dict:
    """The problem of an import that went past its memory cap."""
    limit = f"limite {memory_mb} Mio, GEOCOOP_JOB_MEMORY_MB" if memory_mb else "mémoire du serveur"
    return {
        "status": 413,
        "title": "Limite dépassée",
        "detail": f"{file_name} : mémoire de l'import dépassée ({limit}) ; "
        "découpez le fichier ou simplifiez ses géométries.",
    }


def _fail(conn: Connection, job: dict, problem: dict) -> None:
    queue.finish(conn, job["id"], error=problem)
    conn.commit()
    _remove_files(job["path"])


def _database_problem(exc: DBAPIError) -> dict:
    if isinstance(exc.orig, psycopg.errors.QueryCanceled):
        return {
            "status": 503,
            "title": "Requête trop longue",
            "detail": "L'import a dépassé le temps permis.",
        }
    return INTERNAL


def _remove_files(path: str) -> None:
    # The upload's own folder (queue.new_folder), with its mapping file if any.
    shutil.rmtree(Path(path).parent, ignore_errors=True)


class _Heartbeat:
    """Record a running job's stage and a sign of life every few seconds.

    Records a running job's stage and a sign of life every few seconds, on a connection
    of its own (the job's transaction is not committed until the end).
    """

    def __init__(self, engine: Engine, job_id: int) -> None:
        self.engine, self.job_id = engine, job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"geocoop-job-{job_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def stage(self, name: str) -> None:
        self._beat(name)

    def follow(self, job_id: int) -> None:
        """The batch moves on to `job_id`: its import starts now."""
        self.job_id = job_id
        try:
            with self.engine.begin() as conn:
                queue.start(conn, job_id)
        except DBAPIError:
            log.warning("job %s: start not recorded", job_id)

    def _run(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            self._beat(None)

    def _beat(self, stage: str | None) -> None:
        try:
            with self.engine.begin() as conn:
                queue.beat(conn, self.job_id, stage)
        except DBAPIError:
            log.warning("job %s: heartbeat not recorded", self.job_id)


class Retention:
    """When the next `run_pending` should also prune: at most once per PRUNE_EVERY_S."""

    def __init__(self, days: int, every_s: float = PRUNE_EVERY_S) -> None:
        """Prune finished jobs older than `days` (0: never), at most every `every_s`."""
        self.days, self.every_s = days, every_s
        self._next = 0.0

    def due(self) -> int:
        """The retention in days if a prune is due now (and schedule the next), else 0."""
        now = time.monotonic()
        if self.days <= 0 or now < self._next:
            return 0
        self._next = now + self.every_s
        return self.days


class Worker:
    """A background thread that drains the queue now and then, and at once when woken."""

    def __init__(
        self,
        engine: Engine,
        *,
        interval_s: float = 2.0,
        retention_days: int = 0,
        memory_mb: int = DEFAULT_MEMORY_MB,
        purge_urls: str = "",
        xlsx_limits: XlsxLimits | None = None,
    ) -> None:
        """A worker on `engine` looking at the queue every `interval_s` seconds.

        It also prunes finished jobs older than `retention_days`, at most hourly; each job
        runs in a child capped at `memory_mb` MiB (0: no child, no cap); after each
        committed import it tells the shared HTTP caches of `purge_urls` to forget the
        stale answers.
        """
        self.engine, self.interval_s = engine, interval_s
        self.memory_mb, self.purge_urls = memory_mb, purge_urls
        self.xlsx_limits = xlsx_limits
        self.retention = Retention(retention_days)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="geocoop-jobs", daemon=True)

    def start(self) -> Worker:
        """Start the thread; returns the worker."""
        self._thread.start()
        return self

    def wake(self) -> None:
        """A job was just queued: look at the queue now."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the current job (if any)."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                run_pending(
                    self.engine,
                    retention_days=self.retention.due(),
                    memory_mb=self.memory_mb,
                    purge_urls=self.purge_urls,
                    stop=self._stop,
                    xlsx_limits=self.xlsx_limits,
                )
            except Exception:  # the database went away: try again at the next tick
                log.warning("job worker: queue not reachable", exc_info=True)
            self._wake.wait(self.interval_s)
