"""The upload queue: every upload is a job run by one writer at a time (docs/operations.md).

`queue` is the job table (submit, claim, describe); `runner` the single writer that runs
`geocoop.orchestration.import_cooperations_then_refresh` (or the partnership import) for
each queued job. Beside the orchestration: it calls it, and nothing below imports it.
"""

from geocoop.jobs.queue import describe, new_folder, recent, submit
from geocoop.jobs.runner import Retention, Worker, prune_finished, run_pending

__all__ = [
    "Retention",
    "Worker",
    "describe",
    "new_folder",
    "prune_finished",
    "recent",
    "run_pending",
    "submit",
]
