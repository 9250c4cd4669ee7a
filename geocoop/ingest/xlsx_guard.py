"""Bounds an XLSX workbook before openpyxl reads it: a hostile workbook is refused, not parsed.

An XLSX is a zip of XML. A few hundred kilobytes can inflate to hundreds of megabytes
(millions of rows), a cell reference such as `XFD1048576` makes openpyxl pad every row to
16,384 cells, and XML may carry a DOCTYPE with entity declarations. So, in this order:

1. the zip's central directory: member count and total *declared* uncompressed size (zipfile
   stops at the declared size and fails the CRC when a member lies about it);
2. one streaming expat pass over every XML member, a chunk at a time: DOCTYPE/entities
   refused, well-formedness checked (line, column), and in worksheets the highest row and
   column used, the cell count and each cell's length; the wall-clock budget is checked as
   it goes.

The shapes found let the reader ask openpyxl for exactly that many rows and columns, so a
lying `<dimension>` element cannot widen the sheet either.

The limits are `XlsxLimits` (the module's constants by default; a server sets them with
GEOCOOP_XLSX_MAX_ROWS, GEOCOOP_XLSX_MAX_MB, GEOCOOP_XLSX_MAX_CELLS, GEOCOOP_XLSX_BUDGET_S).
"""

from __future__ import annotations

import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

from geocoop.errors import IngestError, LimitExceeded

if TYPE_CHECKING:
    from geocoop.config import Settings

MAX_MEMBERS = 1_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # a 100,000 × 20 list is about 60 MB of sheet XML
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
MAX_CELLS = 2_000_000  # rows × columns as the sheet is read (every row padded to the widest)
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
READ_BUDGET_S = 120.0  # wall clock for checking and reading one workbook
_CHUNK = 64 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_TEXT_ELEMENTS = frozenset({"v", "t", "f"})


@dataclass(frozen=True)
class XlsxLimits:
    """What one workbook may hold: rows, declared uncompressed bytes, cells, read seconds."""

    rows: int = MAX_ROWS
    uncompressed: int = MAX_UNCOMPRESSED
    cells: int = MAX_CELLS
    budget_s: float = READ_BUDGET_S

    @classmethod
    def from_settings(cls, settings: Settings) -> XlsxLimits:
        """The limits a server's settings give (geocoop.config.Settings)."""
        return cls(
            rows=settings.xlsx_max_rows,
            uncompressed=settings.xlsx_max_mb * 1024 * 1024,
            cells=settings.xlsx_max_cells,
            budget_s=settings.xlsx_budget_s,
        )


@dataclass
class SheetShape:
    """Highest row and column used by a worksheet (1-based), and its number of cells."""

    rows: int = 0
    columns: int = 0
    cells: int = 0


class _Refused(Exception):
    """Raised from an expat handler; carries the public message."""

    def __init__(self, message: str, limit: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.limit = limit


def check_deadline(deadline: float, file_name: str, budget_s: float | None = None) -> None:
    """LimitExceeded once the import's wall-clock budget (`budget_s`) is spent."""
    if time.monotonic() > deadline:
        budget_s = READ_BUDGET_S if budget_s is None else budget_s
        raise LimitExceeded(
            f"{file_name} : lecture arrêtée au bout de {budget_s:.0f} s (budget de "
            "temps d'un import) ; découpez le fichier ou enregistrez-le en CSV."
        )


def check_zip_members(
    archive: zipfile.ZipFile, file_name: str, max_uncompressed: int = MAX_UNCOMPRESSED
) -> None:
    """Refuse too many members or too much declared uncompressed data, before reading any."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise LimitExceeded(
            f"{file_name} : {len(infos)} fichiers dans l'archive ({MAX_MEMBERS} au plus)."
        )
    total = sum(info.file_size for info in infos)
    if total > max_uncompressed:
        raise LimitExceeded(
            f"{file_name} : {total // (1024 * 1024)} Mio une fois décompressé "
            f"({max_uncompressed // (1024 * 1024)} Mio au plus) ; découpez le fichier."
        )


def _column_index(reference: str) -> int:
    """1-based column of a cell reference such as `AB12` (0 when it has no letters)."""
    index = 0
    for char in reference:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            index = index * 26 + ord(char) - 96
        else:
            break
        if index > MAX_COLUMNS:  # no need to read further: already too wide
            return index
    return index


class _Scanner:
    """expat handlers for one member: DOCTYPE refused, rows, columns and cells measured."""

    def __init__(
        self, file_name: str, deadline: float, sheet: SheetShape, limits: XlsxLimits
    ) -> None:
        self.file_name = file_name
        self.deadline = deadline
        self.limits = limits
        self.sheet = sheet
        self.row = 0
        self.column = 0
        self.text = 0
        self.in_text = False

    def doctype(self, *_args) -> None:
        raise _Refused(
            f"{self.file_name} : déclaration DOCTYPE/ENTITY dans le classeur, refusée "
            "(un classeur Excel n'en contient jamais)."
        )

    def start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(" ")[2]
        self.in_text = local in _TEXT_ELEMENTS
        self.text = 0
        if local == "row":
            self._row(attrs.get("r"))
        elif local == "c":
            self._cell(attrs.get("r"))

    def _row(self, reference: str | None) -> None:
        try:
            self.row = int(reference) if reference else self.row + 1
        except ValueError:
            raise _Refused(
                f"{self.file_name} : numéro de ligne illisible ({reference[:20]!r})."
            ) from None
        self.column = 0
        if self.row > self.limits.rows:
            raise _Refused(
                f"{self.file_name} : plus de {self.limits.rows} lignes (ligne {self.row} "
                "atteinte) ; découpez le fichier.",
                limit=True,
            )
        self.sheet.rows = max(self.sheet.rows, self.row)
        if self.row % 1000 == 0:
            check_deadline(self.deadline, self.file_name, self.limits.budget_s)

    def _cell(self, reference: str | None) -> None:
        self.column = (_column_index(reference) if reference else 0) or self.column + 1
        if self.column > MAX_COLUMNS:
            raise _Refused(
                f"{self.file_name} : plus de {MAX_COLUMNS} colonnes (ligne {self.row}).",
                limit=True,
            )
        sheet = self.sheet
        sheet.columns = max(sheet.columns, self.column)
        sheet.cells += 1
        if sheet.rows * sheet.columns > self.limits.cells:
            raise _Refused(
                f"{self.file_name} : feuille de {sheet.rows} lignes × {sheet.columns} "
                f"colonnes, plus de {self.limits.cells} cellules ; découpez le fichier.",
                limit=True,
            )

    def end(self, _name: str) -> None:
        self.in_text = False

    def characters(self, data: str) -> None:
        if self.in_text:
            self.text += len(data)
            if self.text > MAX_CELL_CHARS:
                raise _Refused(
                    f"{self.file_name} : une cellule dépasse {MAX_CELL_CHARS} caractères "
                    f"(ligne {self.row}).",
                    limit=True,
                )


def _scan_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    file_name: str,
    deadline: float,
    limits: XlsxLimits,
) -> SheetShape:
    # Every member is measured as a sheet could be: a workbook's relations may point its
    # sheet anywhere in the archive, not only under xl/worksheets/.
    shape = SheetShape()
    scanner = _Scanner(file_name, deadline, shape, limits)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = scanner.doctype
    parser.EntityDeclHandler = scanner.doctype
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    parser.CharacterDataHandler = scanner.characters
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            parser.Parse(chunk, False)
            check_deadline(deadline, file_name, limits.budget_s)
        parser.Parse(b"", True)
    return shape


def check_workbook(
    path: Path, file_name: str, deadline: float, limits: XlsxLimits | None = None
) -> dict[str, SheetShape]:
    """Shape of every worksheet, by member name; IngestError/LimitExceeded when refused."""
    limits = limits or XlsxLimits()
    shapes: dict[str, SheetShape] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip_members(archive, file_name, limits.uncompressed)
            for info in archive.infolist():
                if not info.filename.lower().endswith(_XML_SUFFIXES):
                    continue
                try:
                    shape = _scan_member(archive, info, file_name, deadline, limits)
                except expat.ExpatError as exc:
                    raise IngestError(
                        f"{file_name} : XML invalide dans {info.filename[:80]} (ligne "
                        f"{exc.lineno}, colonne {exc.offset}) : "
                        f"{expat.ErrorString(exc.code)}."
                    ) from None
                shapes[info.filename] = shape
    except _Refused as exc:
        raise (LimitExceeded if exc.limit else IngestError)(exc.message) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        OSError,
        zlib.error,
    ):
        raise IngestError(
            f"{file_name} : classeur XLSX illisible (archive zip endommagée ou "
            "compression non prise en charge)."
        ) from None
    return shapes
