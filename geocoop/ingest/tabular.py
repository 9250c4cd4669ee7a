"""Reading tabular cooperation lists (CSV, XLSX) into numbered rows of strings.

CSV: delimiter `,` `;` or tab detected from the first records; UTF-16 with its BOM, UTF-8
with or without BOM, else Windows-1252/Latin-1 decided line by line (files pasted together
from two tools mix them); quoted fields may span lines; blank lines are skipped; a NUL byte
refuses the file. Line numbers are physical lines of the file (header = 1), Excel row
numbers for XLSX (bounded first by geocoop.ingest.xlsx_guard).

`open_csv` streams: the file is surveyed once (encoding, NUL bytes) and its rows are read
again from disk each time they are iterated, so a file of a million rows is never held in
memory (UTF-16 files, rare, are decoded whole). `read_csv` is the same rows in a list.
"""

from __future__ import annotations

import codecs
import csv
import io
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from geocoop.errors import IngestError
from geocoop.ingest import xlsx_guard

DELIMITERS = (",", ";", "\t")
_SAMPLE_RECORDS = 30


@dataclass
class Table:
    """A header and its data rows: (line number, {header: value}), values always strings."""

    columns: list[str]
    # A list, or a CsvRows stream (read from disk at each iteration, filling bad_rows and
    # blank_rows as it goes).
    rows: Iterable[tuple[int, dict[str, str]]] = field(default_factory=list)
    bad_rows: list[tuple[int, dict[str, str], str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blank_rows: int = 0
    encoding: str = "utf-8"
    delimiter: str | None = None

    def materialize(self) -> Table:
        """Hold the rows in a list (for code that edits or indexes them)."""
        if not isinstance(self.rows, list):
            self.rows = list(self.rows)
        return self

    def rows_read(self) -> int:
        """Data rows read, good and bad (after a full iteration of a stream)."""
        good = len(self.rows) if isinstance(self.rows, list) else self.rows.count
        return good + len(self.bad_rows)


def detect_delimiter(lines: Iterable[str]) -> str:
    """The delimiter giving the most columns consistently over the first records.

    `lines` is read once per candidate delimiter, and only as far as those records.
    """
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        reader = csv.reader(iter(lines), delimiter=delim)
        widths = []
        try:
            for record in reader:
                if record and any(v.strip() for v in record):
                    widths.append(len(record))
                if len(widths) >= _SAMPLE_RECORDS:
                    break
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0])
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = delim, score
    return best


NUL_REASON = "caractère NUL (octet 0) dans la ligne : fichier corrompu ou binaire ?"


def _unique_headers(raw: list[str], file_name: str) -> tuple[list[str], list[str]]:
    """Header names made unique (duplicates and blanks renamed), with a warning for each."""
    if any("\x00" in (name or "") for name in raw):
        raise IngestError(
            f"{file_name} : caractère NUL (octet 0) dans la ligne d'en-tête ; "
            "fichier corrompu ou binaire ?"
        )
    headers: list[str] = []
    renamed: list[str] = []
    for index, name in enumerate(raw, start=1):
        name = (name or "").strip() or f"colonne_{index}"
        base, n = name, 2
        while name in headers:
            name, n = f"{base}_{n}", n + 1
        if name != base:
            renamed.append(f"« {base} » colonne {index} → {name}")
        headers.append(name)
    if not any(raw):
        raise IngestError(f"{file_name} : ligne d'en-tête vide.")
    warnings = []
    if renamed:
        warnings.append(
            f"{file_name} : en-tête(s) en double renommé(s) : {', '.join(renamed[:10])}"
            f"{'…' if len(renamed) > 10 else ''}."
        )
    return headers, warnings


def _fit(record: list[str], headers: list[str]) -> tuple[dict[str, str], str | None]:
    """Pair a record with the headers, or say why it cannot be.

    Pair a record with the headers; a reason when its width does not match or a value
    holds a NUL byte (PostgreSQL text cannot store it).
    """
    values = [v.strip() for v in record]
    if any("\x00" in v for v in values):
        values = [v.replace("\x00", "") for v in values]
        return dict(zip(headers, values, strict=False)), NUL_REASON
    while len(values) > len(headers) and values[-1] == "":
        values.pop()
    if len(values) != len(headers):
        paired = dict(zip(headers, values, strict=False))
        for extra, value in enumerate(values[len(headers) :], start=1):
            paired[f"_en_trop_{extra}"] = value
        return (
            paired,
            f"{len(values)} champ(s) au lieu de {len(headers)} (délimiteur ou guillemets ?)",
        )
    return dict(zip(headers, values, strict=True)), None


class CsvLines:
    r"""The text lines of a CSV file, each ending with "\n", iterable any number of times.

    Decoded as UTF-16 (BOM), UTF-8 (BOM tolerated) or, line by line, Windows-1252/Latin-1;
    \r\n and a lone \r are line ends.

    Built by a first pass over the file that settles the encoding label and its warning
    and refuses NUL bytes; nothing of the file is kept (UTF-16 aside).
    """

    def __init__(self, path: Path, file_name: str) -> None:
        """Survey `path` (named `file_name` in messages)."""
        self.path, self.file_name = path, file_name
        with open(path, "rb") as handle:
            head = handle.read(8192)
        self.utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if not self.utf16 and b"\x00" in head:
            raise IngestError(f"{file_name} : fichier binaire, pas un texte CSV.")
        self.encoding, self.warnings = self._survey()

    def _survey(self) -> tuple[str, list[str]]:
        legacy_count, legacy_first, utf8_accented, blank = 0, [], 0, True
        last_legacy = 0
        for number, (line, how, physical) in enumerate(self._decoded(), start=1):
            if "\x00" in line:
                raise IngestError(
                    f"{self.file_name}, ligne {number} : caractère NUL (octet 0) ; "
                    "fichier corrompu ou binaire ?"
                )
            blank = blank and not line.strip()
            utf8_accented += how == "utf-8"
            if how == "legacy" and physical != last_legacy:  # counted by physical line
                last_legacy = physical
                legacy_count += 1
                if len(legacy_first) < 11:
                    legacy_first.append(physical)
        if blank:
            raise IngestError(f"{self.file_name} : fichier vide.")
        if self.utf16:
            return "utf-16", []
        if not legacy_count:
            return "utf-8", []
        if not utf8_accented:
            return "cp1252", []
        shown = ", ".join(str(n) for n in legacy_first[:10])
        return "mixte", [
            f"{self.file_name} : encodage mixte, {legacy_count} ligne(s) lues en Windows-1252 "
            f"(lignes {shown}{'…' if legacy_count > 10 else ''}), les autres en UTF-8."
        ]

    def _decoded(self) -> Iterator[tuple[str, str, int]]:
        r"""Each line with its "\n", how it was decoded and its physical number.

        How: ascii / utf-8 / legacy / utf-16; the physical line is split on "\n" only.
        """
        if self.utf16:
            try:
                text = self.path.read_bytes().decode("utf-16")
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"{self.file_name} : texte UTF-16 illisible (octet {exc.start})."
                ) from None
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            for number, line in enumerate(io.StringIO(text), start=1):
                yield line, "utf-16", number
            return
        with open(self.path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                end = "\n" if raw.endswith(b"\n") else ""
                raw = raw[:-1] if end else raw
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                try:
                    line, how = raw.decode("utf-8"), "ascii" if raw.isascii() else "utf-8"
                except UnicodeDecodeError:
                    how = "legacy"
                    try:
                        line = raw.decode("cp1252")
                    except UnicodeDecodeError:
                        line = raw.decode("latin-1")
                if "\r" in line:  # \r\n is one line end; a lone \r (old Mac) is one too
                    parts = (line[:-1] if line.endswith("\r") else line).split("\r")
                    if line.endswith("\r"):
                        end = "\n"
                    for part in parts[:-1]:
                        yield part + "\n", how, number
                    line = parts[-1]
                yield line + end, how, number

    def __iter__(self) -> Iterator[str]:
        """The lines, read from disk again."""
        return (line for line, _how, _number in self._decoded())


class CsvRows:
    """The data rows of a CSV file as (line, values), read from disk at each iteration.

    An iteration refills the table's `bad_rows` and `blank_rows`, and sets `count`.
    """

    def __init__(self, lines: CsvLines, table: Table) -> None:
        """The rows of `lines` under `table`'s header and delimiter."""
        self.lines, self.table, self.count = lines, table, 0

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, values) of each well-formed data row."""
        table = self.table
        table.bad_rows, table.blank_rows, self.count = [], 0, 0
        header_seen = False
        for start, record in _records(self.lines, table.delimiter, self.lines.file_name):
            if not record or not any(v.strip() for v in record):
                table.blank_rows += header_seen
                continue
            if not header_seen:
                header_seen = True
                continue
            values, problem = _fit(record, table.columns)
            if problem:
                table.bad_rows.append((start, values, problem))
            else:
                self.count += 1
                yield start, values


def _records(lines: Iterable[str], delimiter: str, file_name: str):
    """(first line, record) of every CSV record; a malformed file is an IngestError."""
    reader = csv.reader(iter(lines), delimiter=delimiter)
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            yield start, record
    except csv.Error as exc:
        raise IngestError(
            f"{file_name}, ligne {reader.line_num} : CSV illisible ({exc})."
        ) from None


def open_csv(path: Path, file_name: str | None = None) -> Table:
    """A CSV file whatever its delimiter and encoding, its rows streamed from disk."""
    file_name = file_name or path.name
    lines = CsvLines(path, file_name)
    delimiter = detect_delimiter(lines)
    for _start, record in _records(lines, delimiter, file_name):
        if record and any(v.strip() for v in record):
            headers, renamed = _unique_headers(record, file_name)
            break
    else:
        raise IngestError(f"{file_name} : aucune ligne d'en-tête.")
    table = Table(
        headers, encoding=lines.encoding, delimiter=delimiter, warnings=lines.warnings + renamed
    )
    table.rows = CsvRows(lines, table)
    return table


def read_csv(path: Path, file_name: str | None = None) -> Table:
    """Read a CSV file whatever its delimiter and encoding, every row in memory."""
    return open_csv(path, file_name).materialize()


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


def read_xlsx(path: Path, file_name: str | None = None, budget_s: float | None = None) -> Table:
    """Read the first sheet of an XLSX workbook (cached values, not formulas).

    The workbook is bounded first (geocoop.ingest.xlsx_guard: sizes, XML, rows, columns,
    cells), then read within the same wall-clock budget.
    """
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    file_name = file_name or path.name
    deadline = time.monotonic() + (xlsx_guard.READ_BUDGET_S if budget_s is None else budget_s)
    shapes = xlsx_guard.check_workbook(path, file_name, deadline)

    from openpyxl import load_workbook  # after the checks: a refusal costs no import

    unreadable = (
        zipfile.BadZipFile, KeyError, IndexError, OSError, ValueError, TypeError,
        AttributeError, ParseError, EOFError, zlib.error,
    )  # fmt: skip
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except unreadable:
        raise IngestError(f"{file_name} : classeur XLSX illisible.") from None
    try:
        sheet = workbook.worksheets[0]
        # The guard's measure, not the sheet's own <dimension>, bounds what openpyxl pads.
        shape = shapes.get(getattr(sheet, "_worksheet_path", ""))
        bounds = {"max_row": shape.rows, "max_col": shape.columns} if shape else {}
        table = _xlsx_rows(sheet.iter_rows(values_only=True, **bounds), file_name, deadline)
    except unreadable as exc:
        raise IngestError(
            f"{file_name} : classeur XLSX illisible ({type(exc).__name__})."
        ) from None
    finally:
        workbook.close()
    if table is None:
        raise IngestError(f"{file_name} : feuille vide, aucune ligne d'en-tête.")
    return table


def _xlsx_rows(rows, file_name: str, deadline: float) -> Table | None:
    table: Table | None = None
    for number, cells in enumerate(rows, start=1):
        if number % 1000 == 0:
            xlsx_guard.check_deadline(deadline, file_name)
        record = [_cell_text(c) for c in cells]
        if table is not None and len(record) < len(table.columns):
            record += [""] * (len(table.columns) - len(record))  # Excel has no short rows
        if not any(record):
            if table is not None:
                table.blank_rows += 1
            continue
        if table is None:
            headers, renamed = _unique_headers(record, file_name)
            table = Table(headers, encoding="xlsx", warnings=renamed)
            continue
        values, problem = _fit(record, table.columns)
        if problem:
            table.bad_rows.append((number, values, problem))
        else:
            table.rows.append((number, values))
    return table
