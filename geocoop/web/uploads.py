"""One path for every upload: keep the file on disk and queue a job.

One path for every upload (API and admin page): keep the file on disk under
GEOCOOP_JOBS_DIR and queue a job (`geocoop.jobs`); the single writer imports it and
refreshes the stored analysis (`geocoop.orchestration`), then records the report.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from geocoop import jobs
from geocoop.web.database import connection
from geocoop.web.jobs import job_document, wake


def clean_name(filename: str | None) -> str:
    """The client's file name, echoed in reports and stored: no path, no control character."""
    name = "".join(c for c in Path(filename or "upload").name if ord(c) >= 32)[:200]
    return name or "upload"


def submit_upload(
    operation: str,
    upload: FileStorage,
    *,
    actor: str | None,
    mapping_upload: FileStorage | None = None,
    **options,
) -> dict:
    """Save `upload` (and its mapping) for a new job of `operation`.

    Return the job's document (status `queued`).
    """
    name = clean_name(upload.filename)
    conn = connection()
    # The token check opened a read transaction: end it, so that saving a big file never
    # holds the connection idle in transaction.
    conn.rollback()
    folder = jobs.new_folder(current_app.config["GEOCOOP"].jobs_dir)
    try:
        path = folder / f"upload{Path(name).suffix.lower()}"
        upload.save(path)
        if mapping_upload is not None:
            suffix = Path(mapping_upload.filename or "").suffix.lower()
            mapping_path = folder / f"mapping{suffix}"
            mapping_upload.save(mapping_path)
            options["mapping"] = str(mapping_path)
        job_id = jobs.submit(
            conn, operation, path=path, file_name=name, actor=actor, options=options
        )
        conn.commit()
    except BaseException:
        conn.rollback()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    wake()
    return job_document(job_id)
