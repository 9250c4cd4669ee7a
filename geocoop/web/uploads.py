"""One path for every uploaded import (API and admin page): save the upload to a
temporary file, run the core import on it, refresh the stored analysis after a real import,
then commit — or roll everything back on a dry run or an error."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from werkzeug.datastructures import FileStorage

from geocoop.analysis.api import refresh_all
from geocoop.ingest.report import IngestReport
from geocoop.web.database import connection


def run_upload(
    core: Callable[..., IngestReport],
    upload: FileStorage,
    *,
    actor: str | None,
    mapping_upload: FileStorage | None = None,
    **options,
) -> dict:
    """Import `upload` with `core(conn, path, file_name=…, actor=…, **options)`; return the
    report as a dict, with `refreshed` (the analysis refresh figures, or None)."""
    name = Path(upload.filename or "upload").name
    conn = connection()
    refreshed = None
    with tempfile.TemporaryDirectory(prefix="geocoop-upload-") as tmp:
        path = Path(tmp) / f"upload{Path(name).suffix.lower()}"
        upload.save(path)
        if mapping_upload is not None:
            mapping_path = Path(tmp) / f"mapping{Path(mapping_upload.filename).suffix.lower()}"
            mapping_upload.save(mapping_path)
            options["mapping"] = mapping_path
        try:
            report = core(conn, path, file_name=name, actor=actor, **options)
            dry_run = bool(report.counts.get("dry_run"))
            if not dry_run and report.accepted:
                # Coverage and white zones are stored: the map must show the new rows at once.
                refreshed = refresh_all(conn)
        except Exception:
            conn.rollback()
            raise
    if dry_run:
        conn.rollback()
    else:
        conn.commit()
    body = report.as_dict()
    body["refreshed"] = refreshed
    return body
