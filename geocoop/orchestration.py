"""The one place that calls both ingest and analysis.

The faces (the `geocoop` commands) and the upload job queue (`geocoop.jobs`, fed by the
upload API and the admin page) call these functions; `geocoop.ingest` and
`geocoop.analysis` never call each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine

from geocoop.analysis import bundled as analysis_bundled
from geocoop.analysis.refresh import refresh_all
from geocoop.ingest import bundled as ingest_bundled
from geocoop.ingest.cooperations import import_cooperations
from geocoop.ingest.report import IngestReport


def import_then_refresh(
    conn: Connection,
    core: Callable[..., IngestReport],
    path: Path,
    *,
    refresh: bool = True,
    on_step: Callable[[str], None] | None = None,
    **options,
) -> tuple[IngestReport, dict | None]:
    """Run the import `core(conn, path, **options)`, then — after a real import that
    accepted rows, unless `refresh` is off — refresh the stored analysis on the same
    connection, so the figures land (or roll back) with the rows in one transaction.

    Returns the import report and the refresh figures (None when nothing was refreshed).
    `on_step("refresh")` is called before the refresh (a job's progress).
    """
    report = core(conn, path, **options)
    refreshed = None
    if refresh and report.accepted and not report.counts.get("dry_run"):
        if on_step is not None:
            on_step("refresh")
        # Coverage and white zones are stored: the map must show the new rows at once.
        refreshed = refresh_all(conn)
    return report, refreshed


def import_cooperations_then_refresh(
    conn: Connection, path: Path, *, refresh: bool = True, **options
) -> tuple[IngestReport, dict | None]:
    """Import a cooperation list, then refresh the stored analysis in the same transaction."""
    return import_then_refresh(conn, import_cooperations, path, refresh=refresh, **options)


def import_partnerships_then_refresh(
    conn: Connection, path: Path, *, refresh: bool = True, **options
) -> tuple[IngestReport, dict | None]:
    """Import declared partnerships, then refresh the stored analysis in the same transaction."""
    from geocoop.ingest.partnerships import import_partnerships

    return import_then_refresh(conn, import_partnerships, path, refresh=refresh, **options)


def load_bundled(engine: Engine, data_dir: Path) -> Iterator[str]:
    """Load the bundled real data of `data_dir`, then compute the stored analysis over it;
    yield progress lines. Each step skips itself when its work is already done."""
    yield from ingest_bundled.load_bundled_data(engine, Path(data_dir))
    yield from analysis_bundled.load_bundled(engine, Path(data_dir))
