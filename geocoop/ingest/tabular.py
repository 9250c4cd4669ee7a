"""Reading tabular cooperation lists (CSV, XLSX) into numbered rows of strings.

CSV: delimiter `,` `;` or tab detected from the first records; UTF-16 with its BOM, UTF-8
with or without BOM, else Windows-1252/Latin-1 decided line by line (files pasted together
from two tools mix them); quoted fields may span lines; blank lines are skipped; a NUL byte
refuses the file. Line numbers are physical lines of the file (header = 1), Excel row
numbers for XLSX (read by geocoop.ingest.tabular_xlsx into the same Table).

`open_csv` streams: the file is surveyed once (encoding, NUL bytes) and its rows are read
again from disk each time they are iterated, so a file of a million rows is never held in
memory (UTF-16 files, rare, are decoded whole). `read_csv` is the same rows in a list.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from geocoop.errors import IngestError, LimitExceeded

T = TypeVar("T")
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
    bad_fields: dict[int, str] = field(default_factory=dict)  # line → field at fault
    encoding: str = "utf-8"
    delimiter: str | None = None
    sheet: str | None = None  # an XLSX file's sheet (named in rejects and errors)

    def materialize(self) -> Table:
        """Hold the rows in a list (for code that edits or indexes them)."""
        if not isinstance(self.rows, list):
            stream, self.rows = self.rows, list(self.rows)
            if hasattr(stream, "close"):
                stream.close()
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
        self.line = 0  # the first line of the record being read (for a memory error)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, values) of each well-formed data row."""
        table = self.table
        table.bad_rows, table.bad_fields, table.blank_rows, self.count = [], {}, 0, 0
        header_seen = False
        start, out_of_memory = 1, False
        records = _records(self.lines, table.delimiter, self.lines.file_name)
        try:
            for start, record, unclosed in records:
                self.line = start
                if unclosed is not None:
                    if header_seen:
                        _unclosed_row(table, start, record, unclosed)
                        continue
                    _refuse_unclosed_header(self.lines.file_name, unclosed)
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
        except MemoryError:
            table.bad_rows, out_of_memory = [], True  # let go before anything else is built
            records.close()
        if out_of_memory:  # under a job's memory cap (geocoop.jobs.isolate)
            raise LimitExceeded(
                f"{self.lines.file_name}, ligne {start} : mémoire de l'import dépassée ; "
                "fichier trop grand pour ce serveur, découpez-le."
            )


class _Feed:
    """The lines handed to csv.reader, keeping the raw lines of the record being read.

    `replay` holds lines to read again before the source's next ones (after a quote that
    never closes, the lines after its opening line are read on their own).
    """

    def __init__(self, source: Iterator[str]) -> None:
        """Feed the lines of `source`."""
        self.source, self.replay, self.current = source, deque(), []

    def __iter__(self) -> _Feed:
        """The feed itself (csv.reader pulls one line at a time)."""
        return self

    def __next__(self) -> str:
        """The next line, replayed lines first."""
        line = self.replay.popleft() if self.replay else next(self.source)
        self.current.append(line)
        return line


def _records(lines: Iterable[str], delimiter: str, file_name: str):
    """(first line, record, None) of every CSV record; a malformed file is an IngestError.

    A quote opened and never closed is yielded as (first line, the raw fields of its line,
    (line, field index)) and the lines after that line are read again on their own — else
    the csv module would swallow every following line into one value and the row count
    would be wrong. Only the last record can be such a one: it is held back one step, with
    its raw lines, and nothing else of the file is kept.
    """
    feed = _Feed(iter(lines))
    offset = 0  # lines consumed before the current reader started
    while True:
        reader = csv.reader(feed, delimiter=delimiter)
        previous_end, last, last_raw = 0, None, []
        feed.current = []
        try:
            for record in reader:
                start, previous_end = previous_end + 1, reader.line_num
                if last is not None:
                    yield last
                last, last_raw, feed.current = (offset + start, record, None), feed.current, []
        except csv.Error as exc:
            raise IngestError(
                f"{file_name}, ligne {offset + reader.line_num} : CSV illisible ({exc})."
            ) from None
        if last is None:
            return
        raw = "".join(last_raw)
        opened = _unclosed_quote(raw, delimiter) if '"' in raw else None
        if opened is None:
            yield last
            return
        line, index = opened
        first = last[0]
        opening = last_raw[line].rstrip("\n")
        fields = next(csv.reader([opening], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])
        yield (first, fields, (first + line, index))
        feed.replay.extend(last_raw[line + 1 :])
        offset = first + line  # the opening line included


_QUOTE_TOKENS = {d: re.compile('"|\n|' + re.escape(d)) for d in DELIMITERS}


def _unclosed_quote(raw: str, delimiter: str) -> tuple[int, int] | None:
    """(line offset in `raw`, field index) of a quote that opens a field and never closes.

    Follows the csv module's reading: a quote opens a field only at its start; `""` inside
    is a quote.
    """
    line = field_index = 0
    quoted, opened, skip = False, None, -1
    for match in _QUOTE_TOKENS[delimiter].finditer(raw):
        pos, token = match.start(), match.group()
        if pos == skip:
            continue
        if quoted:
            if token == '"':
                if raw.startswith('"', pos + 1):
                    skip = pos + 1  # an escaped quote
                else:
                    quoted = False
            elif token == "\n":
                line += 1
            continue
        if token == '"':
            if pos == 0 or raw[pos - 1] in (delimiter, "\n"):
                quoted, opened = True, (line, field_index)
        elif token == "\n":
            line, field_index = line + 1, 0
        else:
            field_index += 1
    return opened if quoted else None


def _refuse_unclosed_header(file_name: str, unclosed: tuple[int, int]) -> None:
    line, index = unclosed
    raise IngestError(
        f"{file_name}, ligne {line}, colonne {index + 1} : guillemet ouvert "
        "jamais fermé dans la ligne d'en-tête."
    )


def _unclosed_row(table: Table, start: int, record: list[str], unclosed) -> None:
    """Reject the row where a quote opens and never closes."""
    line, index = unclosed
    column = table.columns[index] if index < len(table.columns) else f"n° {index + 1}"
    values = dict(zip(table.columns, (v.strip() for v in record), strict=False))
    reason = (
        f"guillemet ouvert ligne {line}, champ « {column} », jamais fermé ; "
        "les lignes suivantes sont lues à part"
    )
    table.bad_rows.append((start, values, reason))
    table.bad_fields[start] = column


def open_csv(path: Path, file_name: str | None = None) -> Table:
    """A CSV file whatever its delimiter and encoding, its rows streamed from disk."""
    file_name = file_name or path.name
    lines = CsvLines(path, file_name)
    delimiter = detect_delimiter(lines)
    for _start, record, unclosed in _records(lines, delimiter, file_name):
        if unclosed is not None:
            _refuse_unclosed_header(file_name, unclosed)
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


def within_memory(table: Table, file_name: str, work: Callable[[], T]) -> T:
    """`work()`; past the import's memory cap, a LimitExceeded naming the line being read.

    The MemoryError is let go (and the frames holding rows with it) before the error is
    built, so that building it does not fail too.
    """
    try:
        return work()
    except MemoryError:
        pass
    line = getattr(table.rows, "line", 0)
    sheet = f", feuille « {table.sheet} »" if table.sheet else ""
    where = f"{file_name}{sheet}, ligne {line}" if line else file_name
    raise LimitExceeded(
        f"{where} : mémoire de l'import dépassée ; fichier trop grand pour ce serveur, "
        "découpez-le."
    )


def read_csv(path: Path, file_name: str | None = None) -> Table:
    """Read a CSV file whatever its delimiter and encoding, every row in memory."""
    return open_csv(path, file_name).materialize()
