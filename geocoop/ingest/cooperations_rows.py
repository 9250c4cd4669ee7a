"""One source row → one validated cooperation record (or a reason to refuse it)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from geocoop.ingest.cooperations_mapping import (
    _BOOLEAN,
    KIND_ALIASES,
    LEVEL_HEADERS,
    LEVEL_STAGE,
    LIST_FIELDS,
    UNKNOWN,
    VOCABULARIES,
    ColumnMapping,
)
from geocoop.ingest.locate import (
    TerritoryIndex,
    check_coordinates,
    clean_commune_code,
    locate_commune,
    resolve_perimeter,
    split_perimeter,
)
from geocoop.ingest.report import safe_cell
from geocoop.text import normalize_name

# A cell a spreadsheet would run: '=…', or '+', '-', '@' followed by a function call.
_FORMULA = re.compile(r"^\s*(=|[+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\()")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_LIST_SEPARATORS = re.compile(r"[;,|]")
_TEXT_FIELDS = (
    "legal_form",
    "governance",
    "accompanied_by",
    "website",
    "address",
    "lead_body",
    "lead_body_type",
)
# What the study's definitions allow to derive from the kind alone: PAT, PTCE and TZCLD
# refer to a national model, so they are « coopérations modélisées » (shared/seeds, table
# of categories). Nothing in the study ties a kind to a socio-economic model: not derived.
DERIVED_CATEGORY = {"pat": "modelisee", "ptce": "modelisee", "tzcld": "modelisee"}


def split_list(value: str) -> list[str]:
    """Split a list on commas and semicolons, except inside brackets.

    'PNA, LEADER (Europe, FEADER); Région' → ['PNA', 'LEADER (Europe, FEADER)', 'Région']:
    separators inside brackets do not split.
    """
    items, depth, current = [], 0, []
    for char in value or "":
        if char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        if depth == 0 and _LIST_SEPARATORS.match(char):
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [i.strip() for i in items if i.strip()]


class RowRejected(Exception):
    """A row cannot be kept; carries the field and reason for the report."""

    def __init__(self, field_name: str | None, reason: str) -> None:
        """The field at fault (None: the whole row) and the reason (French)."""
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


@dataclass
class CoopRow:
    """A validated cooperation ready for staging."""

    line: int
    source_id: str
    kind_code: str
    name: str
    values: dict[str, str]  # original values (personal columns removed), for reports
    fields: dict = field(default_factory=dict)
    attributes: dict = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    geometry_wkt: str | None = None  # polygon perimeter given by a vector file (EPSG:4326)
    commune_code: str | None = None
    precision: str | None = None
    perimeter_codes: list[str] | None = None
    partners: list[str] = field(default_factory=list)  # ids or names, same source
    quality: dict = field(default_factory=dict)  # data-quality flags (see models.Cooperation)
    derived: list[str] = field(default_factory=list)  # fields set by rule, not declared


def parse_number(value: str) -> float | None:
    """'47,2459' or ' 47.2459 ' → 47.2459; '' → None; raises ValueError otherwise."""
    value = (value or "").strip().replace("\u00a0", "").replace(" ", "")
    if not value:
        return None
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    return float(value)


def stable_id(name: str, commune: str) -> str:
    """Identity of a row without an id column: hash of normalised name + commune."""
    key = f"{normalize_name(name)}|{normalize_name(commune)}"
    return "h:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


MAX_DISTINCT_UNRECOGNISED = 1000


@dataclass
class RowBuilder:
    """Applies a column mapping, the kind table and the territory index to each row."""

    mapping: ColumnMapping
    kinds: dict[str, str]  # normalised code/label -> kind code
    default_kind: str | None
    index: TerritoryIndex
    unrecognised: Counter = field(default_factory=Counter)  # (column, value) -> rows
    # Rows past MAX_DISTINCT_UNRECOGNISED values, per column: a free-text column read as
    # a vocabulary must not keep a million distinct values in memory (streamed imports).
    unrecognised_more: Counter = field(default_factory=Counter)
    coordinate_fallbacks: list[str] = field(default_factory=list)
    partial_perimeters: list[str] = field(default_factory=list)
    unlocated: list[str] = field(default_factory=list)
    codes_are_perimeters: bool = False  # the code column holds lists (see scan_code_lists)

    def scan_code_lists(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        """A code column that holds a list in any row is a perimeter column for all rows."""
        header = self.mapping.columns.get("commune_code")
        if header:
            self.codes_are_perimeters = any(
                len(split_perimeter(values.get(header) or "")) > 1 for _, values in rows
            )

    def note_unrecognised(self, column: str, value: str) -> None:
        """Count a value outside its field's vocabulary (reported with examples)."""
        key = (column, value)
        if key in self.unrecognised or len(self.unrecognised) < MAX_DISTINCT_UNRECOGNISED:
            self.unrecognised[key] += 1
        else:
            self.unrecognised_more[column] += 1

    def get(self, values: dict[str, str], field_name: str) -> str:
        """The stripped value of `field_name` in `values` ("" when not mapped or empty)."""
        header = self.mapping.columns.get(field_name)
        return (values.get(header) or "").strip() if header else ""

    def build(
        self,
        line: int,
        raw: dict[str, str],
        point: tuple[float, float] | None = None,
        polygon_wkt: str | None = None,
    ) -> CoopRow:
        """Validate and locate one row; raise RowRejected with the reason."""
        values = {k: v for k, v in raw.items() if k not in self.mapping.personal}
        for header, value in values.items():
            if isinstance(value, str) and _FORMULA.match(value):
                raise RowRejected(
                    header, f"cellule de type formule de tableur refusée (colonne {header})"
                )
        name = self.get(values, "name")
        if not name:
            raise RowRejected(self.mapping.columns.get("name"), "nom manquant")
        row = CoopRow(
            line=line, source_id="", kind_code=self._kind(values), name=name, values=values
        )
        self._dimensions(row, values)
        derived_category = DERIVED_CATEGORY.get(row.kind_code)
        if derived_category and "category" not in row.fields:
            row.fields["category"] = derived_category
            row.derived.append("category")
        self._locate(row, values, point, polygon_wkt)
        source_id = self.get(values, "source_id")
        if source_id.endswith(".0") and source_id[:-2].isdigit():
            source_id = source_id[:-2]  # numbers read back from spreadsheets
        row.source_id = source_id or stable_id(
            name,
            self.get(values, "commune_code")
            or self.get(values, "commune_name")
            or self.get(values, "postcode"),
        )
        # Attribute keys are source headers: a header is as hostile as a cell (exports).
        row.attributes = {safe_cell(k): v for k, v in row.attributes.items()}
        return row

    def _kind(self, values: dict[str, str]) -> str:
        value = self.get(values, "kind")
        if not value:
            if self.default_kind:
                return self.default_kind
            raise RowRejected(
                self.mapping.columns.get("kind"),
                "type de coopération manquant (colonne vide et pas de --kind)",
            )
        key = normalize_name(value)
        code = (
            self.mapping.kinds.get(key)
            or self.kinds.get(key)
            or self.kinds.get(KIND_ALIASES.get(key, ""))
        )
        if not code:
            raise RowRejected(
                self.mapping.columns.get("kind"),
                f"type de coopération inconnu : « {value} » (codes connus : "
                f"{', '.join(sorted(set(self.kinds.values())))})",
            )
        return code

    def _vocabulary(self, field_name: str, value: str) -> str | None:
        """The vocabulary code of `value`, UNKNOWN for a known 'not known', None if foreign."""
        key = normalize_name(value)
        own = self.mapping.values.get(field_name, {})
        if key in own:
            return own[key] if own[key] is not None else UNKNOWN
        known = VOCABULARIES[field_name].get(key)
        if known is None and field_name == "stage":
            header = normalize_name(self.mapping.columns.get("stage", ""))
            if any(word in header for word in LEVEL_HEADERS):
                known = LEVEL_STAGE.get(key.removeprefix("niveau ").strip())
        return known

    def _dimensions(self, row: CoopRow, values: dict[str, str]) -> None:
        for field_name in VOCABULARIES:
            value = self.get(values, field_name)
            if value:
                known = self._vocabulary(field_name, value)
                if known:
                    row.fields[field_name] = known
                else:
                    if known is None:
                        self.note_unrecognised(self.mapping.columns[field_name], value)
                    row.attributes[self.mapping.columns[field_name]] = value
        for field_name in _TEXT_FIELDS:
            value = self.get(values, field_name)
            if value:
                row.fields[field_name] = value
        partners = self.get(values, "partners")
        if partners:
            row.partners = [v.strip() for v in _LIST_SEPARATORS.split(partners) if v.strip()]
        for field_name in LIST_FIELDS:
            items: list[str] = []
            for header in self.mapping.headers_of(field_name):
                for item in split_list((values.get(header) or "").strip()):
                    if item not in items:
                        items.append(item)
            if items:
                row.fields[field_name] = items
        staff = self.get(values, "staff_fte")
        if staff:
            try:
                number = parse_number(staff)
            except ValueError:
                number = None
            if number is not None and 0 <= number < 10_000:
                row.fields["staff_fte"] = number
            else:
                self.note_unrecognised(self.mapping.columns["staff_fte"], staff)
                row.attributes[self.mapping.columns["staff_fte"]] = staff
        peers = self.get(values, "peer_cooperation")
        if peers:
            flag = _BOOLEAN.get(normalize_name(peers))
            if flag is None:
                self.note_unrecognised(self.mapping.columns["peer_cooperation"], peers)
                row.attributes[self.mapping.columns["peer_cooperation"]] = peers
            else:
                row.fields["peer_cooperation"] = flag
        year = self.get(values, "year_founded")
        if year:
            match = _YEAR.search(year)
            if match:
                row.fields["year_founded"] = int(match.group(1))
            else:
                self.note_unrecognised(self.mapping.columns["year_founded"], year)
                row.attributes[self.mapping.columns["year_founded"]] = year
        postcode = self.get(values, "postcode")
        if postcode:
            postcode = postcode[:-2] if postcode.endswith(".0") else postcode
            if postcode.isdigit() and len(postcode) <= 5 and postcode.strip("0"):
                row.fields["postcode"] = postcode.zfill(5)
        for header in self.mapping.extra_columns(list(values)):
            if values[header] != "":
                row.attributes[header] = values[header]

    def _coordinates(self, values: dict[str, str]) -> tuple[float | None, float | None]:
        lat_text, lon_text = self.get(values, "latitude"), self.get(values, "longitude")
        if not lat_text and not lon_text:
            return None, None
        try:
            lat, lon = parse_number(lat_text), parse_number(lon_text)
        except ValueError:
            raise RowRejected(
                "latitude", f"coordonnées illisibles : {lat_text!r}, {lon_text!r}"
            ) from None
        if lat is None or lon is None:
            raise RowRejected("latitude", "coordonnée incomplète (latitude ou longitude vide)")
        return lat, lon

    def _locate(self, row: CoopRow, values: dict[str, str], point, polygon_wkt) -> None:
        perimeter = split_perimeter(self.get(values, "perimeter"))
        perimeter_field = self.mapping.columns.get("perimeter")
        code = self.get(values, "commune_code")
        code_list = split_perimeter(code)
        if self.codes_are_perimeters:  # a code column holding lists is a perimeter
            perimeter = perimeter + [c for c in code_list if c not in perimeter]
            perimeter_field, code = self.mapping.columns.get("commune_code"), ""
        if perimeter:
            codes, unmatched = resolve_perimeter(self.index, perimeter)
            if unmatched:
                row.quality["perimeter_unmatched"] = unmatched
                self.partial_perimeters.append(
                    f"ligne {row.line} : périmètre partiel ({len(codes)} territoire(s) "
                    f"reconnu(s)) ; non reconnu(s) : {'; '.join(unmatched)}"
                )
            row.perimeter_codes = codes or None
            perimeter = codes
        has_commune = bool(clean_commune_code(code) or self.get(values, "commune_name"))
        if polygon_wkt:
            row.geometry_wkt, row.precision = polygon_wkt, "geometry"
            row.commune_code = (
                self.index.current_commune(clean_commune_code(code)) if code else None
            )
            return
        coordinate_problem = None
        try:
            lat, lon = point if point else self._coordinates(values)
        except RowRejected as exc:
            if not (has_commune or perimeter):
                raise
            lat = lon = None
            coordinate_problem = exc.reason
        if lat is not None:
            coordinate_problem = check_coordinates(lat, lon)
            if coordinate_problem is None:
                row.lat, row.lon, row.precision = lat, lon, "coordinates"
                if code:
                    row.commune_code = self.index.current_commune(clean_commune_code(code))
                return
        if has_commune:
            found = locate_commune(
                self.index, code, self.get(values, "postcode"), self.get(values, "commune_name")
            )
            if found.code:
                row.commune_code, row.precision = found.code, found.precision
                if coordinate_problem:
                    self.coordinate_fallbacks.append(
                        f"ligne {row.line} : {coordinate_problem} ; placé par la commune "
                        f"({found.precision})"
                    )
                return
            if not perimeter:
                reason = found.reason
                if coordinate_problem:
                    reason = f"{coordinate_problem} ; {reason}"
                raise RowRejected(found.field, reason)
        if perimeter:
            row.precision = "perimeter"
            return
        if coordinate_problem:
            raise RowRejected("latitude", coordinate_problem)
        if perimeter_field:
            # A list whose perimeter is empty or unknown still exists: kept, not placed
            # (no map, no coverage), flagged, and counted as loaded in the data status.
            row.precision = None
            row.quality["unlocated"] = (
                "périmètre sans territoire reconnu"
                if "perimeter_unmatched" in row.quality
                else "périmètre vide"
            )
            self.unlocated.append(f"ligne {row.line} : {row.quality['unlocated']}")
            return
        raise RowRejected(
            None, "aucune localisation : ni coordonnées, ni code INSEE, ni commune, ni périmètre"
        )
