"""Ingest reports: every row is either accepted or kept as a reject with its reason.

`IngestReport` is filled by a loader and saved in an `ingest_run` row; the CLI prints it
and writes the rejects as CSV, the API returns it as JSON.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Connection, update
from sqlalchemy.sql import func

from geocoop.models import IngestRun
from geocoop.text import safe_cell


@dataclass
class Reject:
    """One refused row or feature: where it was, which field, why, and its original values."""

    file: str
    line: int | None  # CSV line or XLSX row number (header = 1), or feature index (first = 1)
    field: str | None
    reason: str
    values: dict = field(default_factory=dict)
    sheet: str | None = None  # the XLSX sheet the row is in


@dataclass
class IngestReport:
    """Counts and rejects of one import."""

    file: str
    target: str
    accepted: int = 0
    counts: dict = field(default_factory=dict)  # free-form figures: per level, precision…
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sheet: str | None = None  # an XLSX file's sheet: every reject is in it

    def reject(
        self, line: int | None, field_name: str | None, reason: str, values: dict | None = None
    ) -> None:
        """Keep a refused row."""
        self.rejects.append(
            Reject(self.file, line, field_name, reason, dict(values or {}), self.sheet)
        )

    def as_dict(self) -> dict:
        """JSON-ready form (API responses, ingest_run.report)."""
        return {
            "file": self.file,
            "target": self.target,
            "accepted": self.accepted,
            "rejected": len(self.rejects),
            "counts": self.counts,
            "warnings": self.warnings,
            "rejects": [asdict(r) for r in self.rejects],
        }


def file_checksum(path: Path) -> str:
    """SHA-256 of a file (streamed)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def start_run(
    conn: Connection,
    target: str,
    file_name: str,
    checksum: str | None = None,
    source: str | None = None,
    actor: str | None = None,
) -> int:
    """Insert a running `ingest_run`; return its id."""
    return conn.execute(
        IngestRun.__table__.insert()
        .values(
            target=target,
            file_name=file_name,
            checksum=checksum,
            source=source,
            actor=actor,
            status="running",
        )
        .returning(IngestRun.id)
    ).scalar_one()


def finish_run(conn: Connection, run_id: int, report: IngestReport, status: str = "done") -> None:
    """Record the outcome of a run."""
    data = report.as_dict()
    conn.execute(
        update(IngestRun)
        .where(IngestRun.id == run_id)
        .values(
            status=status,
            accepted=report.accepted,
            rejected=len(report.rejects),
            rejects=data["rejects"],
            report={k: v for k, v in data.items() if k != "rejects"},
            finished_at=func.now(),
        )
    )


def write_rejects_csv(report: IngestReport, path: Path) -> None:
    """Rejects as CSV: file, (XLSX sheet,) line, field, reason, then the original values.

    Every cell is formula-safe.
    """
    value_keys: list[str] = []
    for rej in report.rejects:
        value_keys.extend(k for k in rej.values if k not in value_keys)
    sheets = any(rej.sheet for rej in report.rejects)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        where = ["file", "sheet"] if sheets else ["file"]
        writer.writerow([*where, "line", "field", "reason", *(safe_cell(k) for k in value_keys)])
        for rej in report.rejects:
            row = [
                rej.file,
                *([rej.sheet] if sheets else []),
                rej.line,
                rej.field,
                rej.reason,
                *(rej.values.get(k, "") for k in value_keys),
            ]
            writer.writerow([safe_cell(v) for v in row])
