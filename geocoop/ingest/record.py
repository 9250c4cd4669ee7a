"""Import one cooperation given as a record (a validated proposal).

The same validation, locating and merge as a file import (geocoop.ingest.cooperations), one row
long.

The record's keys are the import's field names (`name`, `kind`, `commune_code`,
`latitude`, `longitude`, `perimeter`, `category`, `stakeholders`…), so a proposal obeys
exactly the rules a spreadsheet row obeys, and lands in `cooperation` under its
`source` / `source_id` with an `ingest_run` for the audit.
"""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.errors import IngestError
from geocoop.ingest.cooperations import TARGET, kind_lookup
from geocoop.ingest.cooperations_mapping import ColumnMapping
from geocoop.ingest.cooperations_rows import RowBuilder, RowRejected
from geocoop.ingest.cooperations_store import locate_staged, merge_staged, stage_rows
from geocoop.ingest.locate import TerritoryIndex
from geocoop.ingest.report import IngestReport, finish_run, start_run
from geocoop.sql import statement


def import_record(
    conn: Connection,
    record: dict[str, str],
    *,
    kind: str | None,
    source: str,
    source_id: str,
    actor: str | None = None,
) -> tuple[int, IngestReport]:
    """Validate, locate and merge one record; return (cooperation id, report).

    Raises IngestError (400) with the import's own reason when the row would be
    rejected. Never commits; runs inside a savepoint like a file import.
    """
    values = {k: str(v) for k, v in record.items() if v not in (None, "")}
    values["source_id"] = source_id
    mapping = ColumnMapping(columns={name: name for name in values})
    builder = RowBuilder(mapping, kind_lookup(conn), kind, TerritoryIndex.load(conn))
    file_name = f"{source}:{source_id}"
    try:
        row = builder.build(1, values)
    except RowRejected as exc:
        where = f" ({exc.field})" if exc.field else ""
        raise IngestError(f"{file_name} : {exc.reason}{where}.") from None
    report = IngestReport(file=file_name, target=TARGET)
    with conn.begin_nested():
        run_id = start_run(conn, TARGET, file_name, None, source, actor)
        stage_rows(conn, [row])
        if locate_staged(conn):
            raise IngestError(f"{file_name} : aucun point calculable (territoire sans géométrie).")
        inserted, updated = merge_staged(conn, source, run_id)
        report.accepted = 1
        report.counts.update(
            source=source, inserted=inserted, updated=updated, kinds_touched=[row.kind_code]
        )
        report.counts["run_id"] = run_id
        finish_run(conn, run_id, report)
        cooperation_id = conn.execute(
            statement("ingest/coop_by_source_id"), {"source": source, "source_id": source_id}
        ).scalar_one()
    return cooperation_id, report
