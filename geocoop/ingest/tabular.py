"""Reading tabular cooperation lists (CSV, XLSX) into numbered rows of strings.

CSV: delimiter `,` `;` or tab detected from the first records; UTF-16 with its BOM, UTF-8
with or without BOM, else Windows-1252/Latin-1 decided line by line (files pasted together
from two tools mix them); quoted fields may span lines; blank lines are skipped; a NUL byte
refuses the file. Line numbers are physical lines of the file (header = 1), Excel row
numbers for XLSX (bounded first by geocoop.ingest.xlsx_guard).
"""

from __future__ import annotations

import codecs
import csv
import io
import time
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
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    bad_rows: list[tuple[int, dict[str, str], str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blank_rows: int = 0
    encoding: str = "utf-8"
    delimiter: str | None = None


def decode_text(data: bytes, file_name: str) -> tuple[str, str, list[str]]:
    """Text of a file, whatever its encoding among UTF-16, UTF-8 and cp1252.

    Text of a file: UTF-16 with its BOM, UTF-8 (BOM tolerated), else cp1252/latin-1 line by line.


    Returns (text, encoding label, warnings).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise IngestError(
                f"{file_name} : texte UTF-16 illisible (octet {exc.start})."
            ) from None
    if b"\x00" in data[:8192]:
        raise IngestError(f"{file_name} : fichier binaire, pas un texte CSV.")
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    out, legacy, utf8_accented = [], [], 0
    for number, raw in enumerate(lines, start=1):
        try:
            out.append(raw.decode("utf-8"))
            utf8_accented += not raw.isascii()
        except UnicodeDecodeError:
            legacy.append(number)
            try:
                out.append(raw.decode("cp1252"))
            except UnicodeDecodeError:
                out.append(raw.decode("latin-1"))
    text = "\n".join(out)
    if not utf8_accented:
        return text, "cp1252", []
    shown = ", ".join(str(n) for n in legacy[:10])
    return (
        text,
        "mixte",
        [
            f"{file_name} : encodage mixte, {len(legacy)} ligne(s) lues en Windows-1252 "
            f"(lignes {shown}{'…' if len(legacy) > 10 else ''}), les autres en UTF-8."
        ],
    )


def detect_delimiter(text: str) -> str:
    """The delimiter giving the most columns consistently over the first records."""
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        reader = csv.reader(io.StringIO(text), delimiter=delim)
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


def read_csv(path: Path, file_name: str | None = None) -> Table:
    """Read a CSV file whatever its delimiter and encoding."""
    file_name = file_name or path.name
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(f"{file_name} : fichier vide.")
    text, encoding, warnings = decode_text(data, file_name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul >= 0:  # past the first 8 KB (decode_text looks there): a corrupted text file
        raise IngestError(
            f"{file_name}, ligne {text.count(chr(10), 0, nul) + 1} : caractère NUL (octet 0) ; "
            "fichier corrompu ou binaire ?"
        )
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    table: Table | None = None
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not record or not any(v.strip() for v in record):
                if table is not None:
                    table.blank_rows += 1
                continue
            if table is None:
                headers, renamed = _unique_headers(record, file_name)
                table = Table(
                    headers,
                    encoding=encoding,
                    delimiter=delimiter,
                    warnings=warnings + renamed,
                )
                continue
            values, problem = _fit(record, table.columns)
            if problem:
                table.bad_rows.append((start, values, problem))
            else:
                table.rows.append((start, values))
    except csv.Error as exc:
        raise IngestError(
            f"{file_name}, ligne {reader.line_num} : CSV illisible ({exc})."
        ) from None
    if table is None:
        raise IngestError(f"{file_name} : aucune ligne d'en-tête.")
    return table


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
