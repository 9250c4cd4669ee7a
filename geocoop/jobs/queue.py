"""The job table as a queue: submit, claim, finish, describe (SQL in geocoop/jobs/sql/).

Core functions take a Connection and never commit, except the writer's own bookkeeping in
`geocoop.jobs.runner`, which owns its connection.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, func, select

from geocoop.errors import BadRequest, NotFound
from geocoop.ingest.cooperations import check_source
from geocoop.sql import statement

# One writer per database: the key of the session advisory lock the runner holds.
WRITER_LOCK = int.from_bytes(b"geocoop", "big")
MAX_ATTEMPTS = 3


def new_folder(jobs_dir: Path) -> Path:
    """A fresh folder under `jobs_dir` for one upload's files (kept until its job ends)."""
    folder = Path(jobs_dir) / uuid.uuid4().hex
    folder.mkdir(parents=True, mode=0o700)
    return folder


def submit(
    conn: Connection,
    operation: str,
    *,
    path: Path,
    file_name: str,
    actor: str | None,
    options: dict,
) -> int:
    """Queue the upload waiting at `path`; returns the job id (visible once committed).

    A source name the import would refuse is refused now (IngestError, 400).
    """
    if options.get("source") is not None:
        check_source(file_name, options["source"])
    for name, value in options.items():
        if isinstance(value, str) and "\x00" in value:  # cannot be stored (jsonb, text)
            raise BadRequest(f"{file_name} : caractère nul dans « {name} ».")
    row = conn.execute(
        statement("jobs/submit"),
        {
            "operation": operation,
            "actor": actor,
            "file_name": file_name,
            "path": str(path),
            "options": json.dumps(options, default=str),
        },
    )
    return row.scalar_one()


def describe(conn: Connection, job_id: int) -> dict:
    """The public document of one job: status, stage, queue position, report or error."""
    row = conn.execute(statement("jobs/describe"), {"id": job_id}).mappings().first()
    if row is None:
        raise NotFound(f"Tâche {job_id} inconnue.")
    report = row["report"]
    options = row["options"] or {}
    return {
        "id": row["id"],
        "operation": row["operation"],
        "status": row["status"],
        "stage": row["stage"],
        "file": row["file_name"],
        "kind": options.get("kind"),
        "source": options.get("source"),
        "dry_run": bool(options.get("dry_run")),
        "actor": row["actor"],
        "attempts": row["attempts"],
        "ahead": row["ahead"],
        "created": _iso(row["created_at"]),
        "started": _iso(row["started_at"]),
        "heartbeat": _iso(row["heartbeat_at"]),
        "finished": _iso(row["finished_at"]),
        "counts": (report or {}).get("counts"),
        "report": report,
        "error": row["error"],
    }


def recent(conn: Connection, limit: int = 20) -> list[dict]:
    """The latest jobs, newest first (no reports)."""
    rows = conn.execute(statement("jobs/recent"), {"limit": limit}).mappings()
    return [{k: _iso(v) if k.endswith("_at") else v for k, v in r.items()} for r in rows]


def try_lock(conn: Connection) -> bool:
    """Take the writer lock for this session, without waiting."""
    return bool(conn.execute(select(func.pg_try_advisory_lock(WRITER_LOCK))).scalar_one())


def unlock(conn: Connection) -> None:
    """Release the writer lock of this session."""
    conn.execute(select(func.pg_advisory_unlock(WRITER_LOCK)))


def requeue_orphans(conn: Connection) -> list[dict]:
    """Queue again the jobs a dead worker left running (call with the writer lock held)."""
    rows = conn.execute(statement("jobs/requeue_orphans"), {"max_attempts": MAX_ATTEMPTS})
    return [dict(r) for r in rows.mappings()]


def claim(conn: Connection, worker: str) -> dict | None:
    """Mark the oldest queued job running for `worker`; None when the queue is empty."""
    row = conn.execute(statement("jobs/claim"), {"worker": worker}).mappings().first()
    return dict(row) if row else None


def queued_behind(conn: Connection, job_id: int) -> bool:
    """Whether a job that writes waits behind `job_id` in the queue."""
    return bool(conn.execute(statement("jobs/queued_behind"), {"id": job_id}).scalar())


def batchable(job: dict) -> bool:
    """Whether a job may share a batch: a real (not dry-run) cooperation import."""
    options = job["options"] or {}
    return job["operation"] == "cooperations" and not options.get("dry_run")


def claim_following(
    conn: Connection, worker: str, job: dict, limit: int, max_bytes: int
) -> list[dict]:
    """Claim the batchable jobs right behind `job` (at most `limit`, files of `max_bytes`).

    Only an unbroken run of them: another operation or a dry run waits its turn, so jobs
    still run in the order they came. `job` itself counts towards `max_bytes`.
    """
    if limit <= 0 or not batchable(job):
        return []
    size = _file_size(job["path"])
    ids = []
    rows = conn.execute(statement("jobs/following"), {"id": job["id"], "limit": limit})
    for row in rows.mappings():
        size += _file_size(row["path"])
        if not batchable(row) or size > max_bytes:
            break
        ids.append(row["id"])
    if not ids:
        return []
    claimed = conn.execute(statement("jobs/claim_ids"), {"ids": ids, "worker": worker})
    return sorted((dict(r) for r in claimed.mappings()), key=lambda r: r["id"])


def start(conn: Connection, job_id: int) -> None:
    """A job of a batch starts its import now."""
    conn.execute(statement("jobs/start"), {"id": job_id})


def _file_size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0  # gone: its import says so


def beat(conn: Connection, job_id: int, stage: str | None = None) -> None:
    """Record a sign of life of a running job, and its stage."""
    conn.execute(statement("jobs/beat"), {"id": job_id, "stage": stage})


def finish(
    conn: Connection,
    job_id: int,
    *,
    report: dict | None = None,
    error: dict | None = None,
    finished_at: datetime | None = None,
) -> None:
    """End a job: done with `report`, or failed with `error` (status, title, detail).

    `finished_at`: when its import ended (a job of a batch); default now.
    """
    conn.execute(
        statement("jobs/finish"),
        {
            "id": job_id,
            "finished_at": finished_at,
            "status": "failed" if error else "done",
            "report": json.dumps(report, default=str) if report is not None else None,
            "error": json.dumps(error) if error is not None else None,
        },
    )


def prune(conn: Connection, days: int) -> list[dict]:
    """Delete the jobs finished more than `days` days ago; the deleted ids and paths."""
    if days <= 0:
        return []
    rows = conn.execute(statement("jobs/prune"), {"days": int(days)}).mappings()
    return [dict(r) for r in rows]


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
