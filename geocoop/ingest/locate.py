"""Locating a cooperation: coordinates, commune, perimeter territories.

Locating a cooperation: check coordinates, find its commune by code or name, resolve
the territories of its perimeter.

The territory index is read once per import from PostGIS (`locate_territories.sql`,
`locate_code_changes.sql`); the geometry work (label points, point-in-commune, perimeter
unions) runs in SQL on the staging table (see cooperations_store.py).
Names are compared by geocoop.text.normalize_name, the key stored in territory.name_search.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from geocoop.sql import statement
from geocoop.text import normalize_name

# (name, lon min, lon max, lat min, lat max): metropolitan France incl. Corsica, the five
# DROM, and the overseas collectivities near them (a small margin for coastal points).
FRANCE_BOXES = (
    ("France métropolitaine", -5.8, 9.9, 41.2, 51.2),
    ("Guadeloupe", -61.9, -60.9, 15.8, 16.6),
    ("Martinique", -61.3, -60.7, 14.3, 14.95),
    ("Guyane", -54.7, -51.5, 2.0, 6.0),
    ("La Réunion", 55.15, 55.9, -21.45, -20.8),
    ("Mayotte", 44.9, 45.35, -13.1, -12.55),
    ("Saint-Pierre-et-Miquelon", -56.5, -56.1, 46.7, 47.2),
    ("Saint-Martin / Saint-Barthélemy", -63.2, -62.7, 17.8, 18.2),
)
# Lambert-93 (EPSG:2154) easting/northing ranges over France.
_L93_X = (50_000, 1_300_000)
_L93_Y = (6_000_000, 7_150_000)

_ARRONDISSEMENT = re.compile(r"^(paris|marseille|lyon)( \d+.*| arrondissement.*)$")
_CEDEX = re.compile(r" cedex( \d+)?$")
_DEPARTEMENT = re.compile(r"^(\d{2}|2a|2b|97\d)$", re.IGNORECASE)
_COMMUNE_CODE = re.compile(r"^(\d{5}|2[ab]\d{3})$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[;,|]")
LEVEL_PREFIXES = {
    "commune": "commune",
    "com": "commune",
    "epci": "epci",
    "dep": "departement",
    "departement": "departement",
    "reg": "region",
    "region": "region",
}


def in_france(lat: float, lon: float) -> bool:
    """True when (lat, lon) falls in one of France's bounding boxes."""
    return any(x0 <= lon <= x1 and y0 <= lat <= y1 for _, x0, x1, y0, y1 in FRANCE_BOXES)


def check_coordinates(lat: float, lon: float) -> str | None:
    """Why a latitude/longitude pair is unusable, or None when it is inside France."""
    if in_france(lat, lon):
        return None
    if (
        _L93_X[0] <= lon <= _L93_X[1]
        and _L93_Y[0] <= lat <= _L93_Y[1]
        or (_L93_X[0] <= lat <= _L93_X[1] and _L93_Y[0] <= lon <= _L93_Y[1])
    ):
        return (
            "coordonnées en Lambert-93 (mètres) dans des colonnes en degrés : "
            "convertissez-les en WGS84 ou indiquez le code INSEE"
        )
    if in_france(lon, lat):
        return "latitude et longitude inversées"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return "coordonnées hors limites (latitude ±90, longitude ±180)"
    return "coordonnées hors de France (métropole et outre-mer)"


def clean_commune_code(value: str) -> str:
    """'1033' → '01033', '2a004' → '2A004'; '' or '0' → ''."""
    value = (value or "").strip().upper()
    if value.endswith(".0"):
        value = value[:-2]
    if value.isdigit() and len(value) == 4:
        value = value.zfill(5)
    return "" if value.strip("0") == "" else value


def commune_search_key(name: str) -> str:
    """Search key of a commune name, arrondissements and CEDEX folded to the commune."""
    key = _CEDEX.sub("", normalize_name(name))
    match = _ARRONDISSEMENT.match(key)
    return match.group(1) if match else key


_MISSING = object()  # an on-demand lookup that found nothing (None is a real value)
# An import of at most this many rows reads the territories it needs one by one
# (TerritoryIndex.on_demand) instead of all of France.
ON_DEMAND_ROWS = 100


class _Lookup:
    """A read-only mapping (or set) filled key by key by `fetch` (_MISSING: no such key)."""

    def __init__(self, fetch: Callable[[Any], object]) -> None:
        self._fetch = fetch
        self._known: dict = {}

    def _value(self, key: Any) -> object:
        if key not in self._known:
            self._known[key] = self._fetch(key)
        return self._known[key]

    def get(self, key: Any, default: Any = None) -> Any:
        """The value of `key`, or `default`."""
        value = self._value(key)
        return default if value is _MISSING else value

    def __contains__(self, key: object) -> bool:
        return self._value(key) is not _MISSING

    def __getitem__(self, key: Any) -> Any:
        value = self._value(key)
        if value is _MISSING:
            raise KeyError(key)
        return value


@dataclass
class TerritoryIndex:
    """Codes, names and postcodes of every territory, for lookups without a query per row."""

    communes: dict[str, str | None] = field(default_factory=dict)  # code -> département
    postcodes: dict[str, Collection[str]] = field(default_factory=dict)  # code -> postcodes
    names: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (level, key)
    codes: set[tuple[str, str]] = field(default_factory=set)  # (level, code)
    code_changes: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)  # former name key → codes

    @classmethod
    def load(cls, conn: Connection) -> TerritoryIndex:
        """Read the territory table and the commune code changes."""
        index = cls()
        names: dict[tuple[str, str], list[str]] = defaultdict(list)
        # fetched at once and unpacked as tuples: a 1-row upload pays this load over all of
        # France (~47,000 rows), so no per-row attribute lookup nor set built here
        rows = conn.execute(statement("ingest/locate_territories")).all()
        index.codes = {(level, code) for level, code, *_rest in rows}
        for level, code, name, name_search, _dep, _postcodes in rows:
            names[(level, name_search or normalize_name(name))].append(code)
        communes = [r for r in rows if r[0] == "commune"]
        index.communes = {r[1]: r[4] for r in communes}
        index.postcodes = {r[1]: r[5] or () for r in communes}
        index.names = dict(names)
        index.code_changes = dict(conn.execute(statement("ingest/locate_code_changes")).all())
        aliases: dict[str, list[str]] = defaultdict(list)
        for key, code in conn.execute(statement("ingest/locate_aliases")).all():
            aliases[key].append(code)
        index.aliases = dict(aliases)
        return index

    @classmethod
    def on_demand(cls, conn: Connection) -> TerritoryIndex:
        """The same index, read key by key as rows ask (a small import: a few queries).

        Loading every territory of France costs about a second, most of a 1-row upload;
        here each lookup is one indexed query whose answer is kept. `conn` must be free
        whenever a row is looked up (cooperations.py builds such rows before their COPY).
        """
        index = cls()

        def by_code(code: str) -> dict[str, tuple]:
            rows = conn.execute(statement("ingest/locate_territories_by_code"), {"code": code})
            return {r.level: (r.departement_code, r.postcodes or ()) for r in rows}

        levels = _Lookup(by_code)

        def commune(code: str, part: int) -> object:
            found = levels.get(code).get("commune")
            return _MISSING if found is None else found[part]

        def named(level_key: tuple[str, str]) -> object:
            level, key = level_key
            rows = conn.execute(
                statement("ingest/locate_territories_by_name"), {"level": level, "key": key}
            ).all()
            found = [r.code for r in rows if (r.name_search or normalize_name(r.name)) == key]
            return found or _MISSING

        def changed(code: str) -> object:
            new = conn.execute(statement("ingest/locate_code_change_one"), {"code": code})
            return new.scalar() or _MISSING

        def aliased(key: str) -> object:
            found = conn.execute(statement("ingest/locate_aliases_one"), {"key": key})
            return list(found.scalars()) or _MISSING

        # mapping-like stand-ins for the dicts and the set of a full load
        index.codes = _Lookup(lambda lc: True if lc[0] in levels.get(lc[1]) else _MISSING)  # type: ignore[assignment]
        index.communes = _Lookup(lambda c: commune(c, 0))  # type: ignore[assignment]
        index.postcodes = _Lookup(lambda c: commune(c, 1))  # type: ignore[assignment]
        index.names = _Lookup(named)  # type: ignore[assignment]
        index.code_changes = _Lookup(changed)  # type: ignore[assignment]
        index.aliases = _Lookup(aliased)  # type: ignore[assignment]
        return index

    def current_commune(self, code: str) -> str | None:
        """Current code of a commune code: itself, or what an old/arrondissement code became."""
        if code in self.communes:
            return code
        seen = set()
        while code in self.code_changes and code not in seen:  # chains of fusions
            seen.add(code)
            code = self.code_changes[code]
            if code in self.communes:
                return code
        return None

    def communes_named(self, name: str) -> list[str]:
        """Codes of the communes whose name (or former name) matches `name`.

        Codes of the communes whose name matches `name`; if none, of the current
        communes that a commune déléguée / associée or a merged commune of that name
        belongs to.
        """
        key = commune_search_key(name)
        found = self.names.get(("commune", key))
        if found:
            return list(found)
        return sorted({c for c in self.aliases.get(key, ()) if c in self.communes})


@dataclass
class Located:
    """Outcome of locating a commune: a code and precision, or a reason to refuse."""

    code: str | None = None
    precision: str | None = None
    reason: str | None = None
    field: str | None = None


def _departement_of_postcode(postcode: str) -> str:
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20"):  # Corsica: 200xx/201xx = 2A, 202xx/206xx = 2B
        return "2A" if postcode[:3] in ("200", "201") else "2B"
    return postcode[:2]


def locate_commune(index: TerritoryIndex, code: str, postcode: str, name: str) -> Located:
    """INSEE code → postcode + name → name alone; ambiguous names are refused, not guessed."""
    code = clean_commune_code(code)
    code_problem = None
    if code:
        current = index.current_commune(code)
        if current:
            return Located(current, "insee_code")
        code_problem = f"code INSEE inconnu : {code}"
    if name:
        candidates = index.communes_named(name)
        postcode = (postcode or "").strip().zfill(5) if (postcode or "").strip() else ""
        if postcode and candidates:
            exact = [c for c in candidates if postcode in index.postcodes.get(c, ())]
            if len(exact) == 1:
                return Located(exact[0], "postcode_name")
            dep = _departement_of_postcode(postcode)
            in_dep = [c for c in candidates if index.communes.get(c) == dep]
            if len(in_dep) == 1:
                return Located(in_dep[0], "postcode_name")
        if len(candidates) == 1:
            return Located(candidates[0], "commune_name")
        if len(candidates) > 1:
            return Located(
                reason=f"nom de commune ambigu « {name} » : {len(candidates)} "
                f"communes ({', '.join(sorted(candidates)[:6])}) ; "
                "ajoutez le code INSEE ou le code postal",
                field="commune",
            )
        reason = f"commune introuvable : « {name} »"
        if code_problem:
            reason = f"{code_problem} ; {reason}"
        return Located(reason=reason, field="commune")
    if code_problem:
        return Located(reason=code_problem, field="code_insee")
    return Located(
        reason="aucune localisation : ni coordonnées, ni code INSEE, ni commune, ni périmètre",
        field=None,
    )


def split_perimeter(value: str) -> list[str]:
    """'35238; 35047 | CC du Val d'Ille' → three tokens."""
    return [t.strip() for t in _SEPARATORS.split(value or "") if t.strip()]


def resolve_perimeter(index: TerritoryIndex, tokens: list[str]) -> tuple[list[str], list[str]]:
    """Territory keys of the perimeter tokens, and why each unmatched token failed.

    Territory keys (`level:code`) of the perimeter tokens, and the reason for each token
    that matched nothing (old codes go through the INSEE movements first).
    """
    resolved: list[str] = []
    unmatched: list[str] = []
    for token in tokens:
        key, reason = _resolve_token(index, token)
        if reason:
            unmatched.append(reason)
        elif key not in resolved:
            resolved.append(key)
    return resolved, unmatched


def _resolve_token(index: TerritoryIndex, token: str) -> tuple[str, str | None]:
    level = None
    if ":" in token:
        prefix, rest = token.split(":", 1)
        if prefix.strip().lower() in LEVEL_PREFIXES:
            level, token = LEVEL_PREFIXES[prefix.strip().lower()], rest.strip()
    upper = token.upper()
    if level in (None, "commune") and _COMMUNE_CODE.match(token):
        current = index.current_commune(upper)
        if current:
            return f"commune:{current}", None
        return "", f"périmètre : commune {token} inconnue"
    if level in (None, "epci") and token.isdigit() and len(token) == 9:
        if ("epci", token) in index.codes:
            return f"epci:{token}", None
        return "", f"périmètre : EPCI {token} inconnu"
    if _DEPARTEMENT.match(token) and level in (None, "departement", "region"):
        wanted = level or "departement"
        if (wanted, upper) in index.codes:
            return f"{wanted}:{upper}", None
        return "", f"périmètre : {wanted} {token} inconnu"
    key = normalize_name(token)
    levels = [level] if level else ["commune", "epci", "departement", "region"]
    found = [(lv, c) for lv in levels for c in index.names.get((lv, key), [])]
    if len(found) == 1:
        return f"{found[0][0]}:{found[0][1]}", None
    if not found:
        return "", f"périmètre : territoire « {token} » introuvable"
    shown = ", ".join(f"{lv}:{c}" for lv, c in found[:6])
    return "", f"périmètre : nom « {token} » ambigu ({shown}) ; donnez le code"
