"""One job in a child process whose memory is capped.

A file that explodes in memory stops its own import with a clear error, never the web
process or the worker that runs it.

`run_capped(work, memory_mb)` forks; the child dies with its parent (`PR_SET_PDEATHSIG`: a
killed worker cannot leave an import running behind the lock), limits its data segment
(`RLIMIT_DATA`: heap and private mappings, so Python gets `MemoryError` instead of the
kernel's OOM killer picking a victim) to what it uses now plus `memory_mb`, lowers its CPU
priority (`JOB_NICENESS`, and the SCHED_IDLE class), runs `work` and exits. The parent
waits and reads the exit status.
"""

from __future__ import annotations

import ctypes
import logging
import os
import resource
import signal
from collections.abc import Callable

log = logging.getLogger(__name__)
DATABASE_GONE = 3  # exit code: the database went away, the job stays running
_PR_SET_PDEATHSIG = 1
# An import is background work: beside the web's threads (a web process's job thread, or a
# writer on the same machine) the reads get the CPU first. Its PostgreSQL backend is given
# the same niceness when the kernel allows it (geocoop.jobs.background). The lowest: 200
# uploads on a quiet machine, reads' p95 during the storm 1.61× idle at nice 10, 1.43× at
# 19, the queue drained as fast (151 / 146 s; docs/performance-storm.md).
JOB_NICENESS = 19


class DatabaseGone(Exception):
    """The child lost the database: its job is left running, to be queued again."""


def run_capped(work: Callable[[], None], memory_mb: int) -> int:
    """Run `work()` in a forked child capped at `memory_mb` MiB more than now.

    Returns its exit status: 0 done, DATABASE_GONE, another code, or -signal when killed.
    """
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            _die_with_parent()
            _cap_data(memory_mb)
            os.nice(JOB_NICENESS)
            idle_policy(0)
            work()
            code = 0
        except DatabaseGone:
            code = DATABASE_GONE
        except BaseException:
            log.exception("job child failed")
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def idle_policy(pid: int) -> bool:
    """Put process `pid` (0: this one) in the kernel's SCHED_IDLE class; False if refused.

    Nice 19 still lets a running job finish its time slice before a read that wakes up
    gets the core (EEVDF); a SCHED_IDLE task is preempted at once by any other. An idle
    task is not starved: it keeps a small share under full load.
    """
    try:
        os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux, not permitted, or gone
        return False
    return True


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        log.warning("job child: PR_SET_PDEATHSIG unavailable")


def _data_now() -> int:
    """Bytes of this process's data segment now (VmData)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def _cap_data(memory_mb: int) -> None:
    limit = _data_now() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
