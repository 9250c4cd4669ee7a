"""A job's PostgreSQL session as background work, so reads keep the CPU during a storm.

The import's SQL and the refresh after it run in the job's PostgreSQL backend, at the
server's priority: on a machine where the same cores serve the reads, every upload of a
burst competes with them. `lower_session_priority(conn)` (called by the job's child on its
own fresh connection) turns parallel query off for the session and, when the server runs
on this machine, renices its backend process like the child itself
(`geocoop.jobs.isolate.JOB_NICENESS`) and puts it in the kernel's SCHED_IDLE class. The
kernel allows that to root and to the account that runs PostgreSQL; anything else (another
account, a remote server, a server in another PID namespace) leaves the backend's priority
as it was and says why.
"""

from __future__ import annotations

import logging
import os

from sqlalchemy import Connection

from geocoop.jobs.isolate import idle_policy
from geocoop.sql import statement

log = logging.getLogger(__name__)


def lower_session_priority(conn: Connection, niceness: int) -> str:
    """Make `conn`'s session background work; returns what was done (for the logs).

    Only for a connection that ends with the job (the child's own): a pooled one would
    carry the lower priority to the reads it serves next.
    """
    row = conn.execute(statement("jobs/background_session")).one()
    if not row.local:
        return "no parallel workers; backend priority unchanged (remote server)"
    if not _is_postgres(row.pid):
        return "no parallel workers; backend priority unchanged (its process is not visible)"
    try:
        # setpriority sets the niceness itself: never above what the backend already has
        niceness = max(niceness, os.getpriority(os.PRIO_PROCESS, row.pid))
        os.setpriority(os.PRIO_PROCESS, row.pid, niceness)
    except PermissionError:
        return (
            "no parallel workers; backend priority unchanged (not permitted: run the writer "
            "as root or as PostgreSQL's account)"
        )
    except ProcessLookupError:
        return "no parallel workers; backend priority unchanged (its process is not visible)"
    idle = " (SCHED_IDLE)" if idle_policy(row.pid) else ""
    return f"no parallel workers; backend {row.pid} at nice {niceness}{idle}"


def _is_postgres(pid: int) -> bool:
    """Whether `pid` is a PostgreSQL process of this machine (same PID namespace)."""
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as comm:
            return comm.read().strip() in ("postgres", "postmaster")
    except OSError:
        return False
