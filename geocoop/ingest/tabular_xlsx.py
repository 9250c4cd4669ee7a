"""Reading the first sheet of an XLSX workbook as numbered rows of strings, streamed.

The workbook is bounded first (geocoop.ingest.xlsx_guard: sizes, XML, rows, columns, cells),
then read once by openpyxl in read-only mode, one row at a time, within the same wall-clock
budget. Each data row (Excel's row number, its cells as text) is written to an anonymous
temporary file as it is read, so the rows can be iterated again (an import reads them more
than once) from disk, without parsing the XML again and without holding them in memory:
a sheet of a million rows costs openpyxl's shared strings and one row at a time.

Cells are their cached values (not formulas); numbers that are whole are written without
`.0`, dates in ISO 8601, booleans as 1/0.
"""

from __future__ import annotations

import dataclasses
import marshal
import tempfile
import time
import weakref
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError

from geocoop.errors import IngestError, LimitExceeded
from geocoop.ingest import xlsx_guard
from geocoop.ingest.tabular import Table, _fit, _unique_headers

# What openpyxl raises on a workbook it cannot make sense of (a numeric cell holding text,
# a shared string that does not exist, a broken relation…).
_UNREADABLE = (
    zipfile.BadZipFile, KeyError, IndexError, OSError, ValueError, TypeError,
    AttributeError, ParseError, EOFError, zlib.error,
)  # fmt: skip


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _memory_error(file_name: str, sheet: str | None, row: int) -> LimitExceeded:
    where = f"{file_name}, feuille « {sheet} », ligne {row}" if sheet else file_name
    return LimitExceeded(
        f"{where} : mémoire de l'import dépassée ; fichier trop grand pour ce serveur, "
        "découpez-le."
    )


class XlsxRows:
    """The data rows of a sheet as (row number, values), read from the spool each time.

    Like tabular.CsvRows: an iteration refills the table's `bad_rows` and `blank_rows` and
    sets `count`; `line` is the row being read (named by a memory error).
    """

    def __init__(self, spool: IO[bytes], table: Table) -> None:
        """The rows spooled in `spool` (marshalled (number, cells)) under `table`'s header."""
        self.spool, self.count, self.line = spool, 0, 0
        # Weak: a table ⇄ rows cycle would leave the spool to the cyclic collector, which
        # may finalise the file (a ResourceWarning) before this object closes it.
        self._table = weakref.ref(table)

    def close(self) -> None:
        """Let go of the spool (its disk space goes with it)."""
        self.spool.close()

    def __del__(self) -> None:
        """Close the spool when the table is dropped (an import keeps it to its end)."""
        self.spool.close()

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        # Each iteration keeps its own position: two of them may be under way at once
        # (one left suspended by any(), another started), as with a CSV's file handles.
        spool, load, position = self.spool, marshal.load, 0
        while True:
            spool.seek(position)
            try:
                record = load(spool)  # reads exactly one record's bytes
            except EOFError:
                return
            position = spool.tell()
            yield record

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, values) of each well-formed data row."""
        table = self._table()
        if table is None:  # the rows outlived their table: nothing to fill
            return
        table.bad_rows, table.bad_fields, table.blank_rows, self.count = [], {}, 0, 0
        width = len(table.columns)
        for number, record in self._records():
            self.line = number
            if not any(record):
                table.blank_rows += 1
                continue
            if len(record) < width:
                record += [""] * (width - len(record))  # Excel has no short rows
            values, problem = _fit(record, table.columns)
            if problem:
                table.bad_rows.append((number, values, problem))
            else:
                self.count += 1
                yield number, values


def open_xlsx(
    path: Path,
    file_name: str | None = None,
    budget_s: float | None = None,
    limits: xlsx_guard.XlsxLimits | None = None,
) -> Table:
    """The first sheet of an XLSX workbook, its rows streamed (see the module's docstring).

    IngestError when the workbook is unreadable or has no header; LimitExceeded past the
    guard's `limits` (default XlsxLimits()), the time budget (`budget_s`, default the
    limits') or a job's memory cap (naming the row being read).
    """
    from openpyxl import load_workbook  # after the checks: a refusal costs no import

    file_name = file_name or path.name
    limits = limits or xlsx_guard.XlsxLimits()
    if budget_s is not None:
        limits = dataclasses.replace(limits, budget_s=budget_s)
    deadline = time.monotonic() + limits.budget_s
    shapes = xlsx_guard.check_workbook(path, file_name, deadline, limits)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except _UNREADABLE:
        raise IngestError(f"{file_name} : classeur XLSX illisible.") from None
    # Unlinked at once (never left on disk); it outlives this function, owned by XlsxRows.
    spool = tempfile.TemporaryFile(prefix="geocoop-xlsx-")  # noqa: SIM115
    number, sheet_name, table = 0, None, None
    try:
        sheet = workbook.worksheets[0]
        sheet_name = sheet.title
        # The guard's measure, not the sheet's own <dimension>, bounds what openpyxl pads.
        shape = shapes.get(getattr(sheet, "_worksheet_path", ""))
        bounds = {"max_row": shape.rows, "max_col": shape.columns} if shape else {}
        for number, cells in enumerate(sheet.iter_rows(values_only=True, **bounds), start=1):
            if number % 1000 == 0:
                xlsx_guard.check_deadline(deadline, file_name, limits.budget_s)
            record = [_cell_text(c) for c in cells]
            if table is not None:
                marshal.dump((number, record), spool)
            elif any(record):
                headers, renamed = _unique_headers(record, file_name)
                table = Table(headers, encoding="xlsx", warnings=renamed, sheet=sheet_name)
    except _UNREADABLE as exc:
        spool.close()
        where = f", feuille « {sheet_name} », ligne {number + 1}" if sheet_name else ""
        raise IngestError(
            f"{file_name} : classeur XLSX illisible ({type(exc).__name__}{where})."
        ) from None
    except MemoryError:
        spool.close()
        raise _memory_error(file_name, sheet_name, number + 1) from None
    except BaseException:
        spool.close()
        raise
    finally:
        workbook.close()
    if table is None:
        spool.close()
        raise IngestError(f"{file_name} : feuille vide, aucune ligne d'en-tête.")
    spool.flush()
    table.rows = XlsxRows(spool, table)
    return table


def read_xlsx(
    path: Path,
    file_name: str | None = None,
    budget_s: float | None = None,
    limits: xlsx_guard.XlsxLimits | None = None,
) -> Table:
    """The first sheet of an XLSX workbook, every row in memory (see `open_xlsx`)."""
    return open_xlsx(path, file_name, budget_s, limits).materialize()
