"""One path for every uploaded import (API and admin page): save the upload to a
temporary file, import it and refresh the stored analysis after a real import
(`geocoop.orchestration.import_then_refresh`), then commit — or roll everything back on a
dry run or an error."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from werkzeug.datastructures import FileStorage

from geocoop.ingest.report import IngestReport
from geocoop.orchestration import import_then_refresh
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
    # The client's file name is echoed in reports and stored: no control characters.
    name = "".join(c for c in Path(upload.filename or "upload").name if ord(c) >= 32)[:200]
    name = name or "upload"
    conn = connection()
    # The token check opened a read transaction: end it, so that reading a big file never
    # holds the connection idle in transaction (the import opens its own, with limits).
    conn.rollback()
    with tempfile.TemporaryDirectory(prefix="geocoop-upload-") as tmp:
        path = Path(tmp) / f"upload{Path(name).suffix.lower()}"
        upload.save(path)
        if mapping_upload is not None:
            mapping_path = Path(tmp) / f"mapping{Path(mapping_upload.filename).suffix.lower()}"
            mapping_upload.save(mapping_path)
            options["mapping"] = mapping_path
        try:
            report, refreshed = import_then_refresh(
                conn, core, path, file_name=name, actor=actor, **options
            )
            dry_run = bool(report.counts.get("dry_run"))
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
