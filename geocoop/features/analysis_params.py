"""Declared query parameters of the analysis endpoints, and CSV of analysis results.

Framework-free: `read_params` takes a mapping of name → values, so the HTTP layer, tests
and the OpenAPI document share one declaration per parameter.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from geocoop.errors import BadRequest
from geocoop.models import DEFAULT_KINDS
from geocoop.text import safe_cell

LEVELS = ("commune", "epci", "departement", "region")
RULES = ("any", "distance", "perimeter")
KIND_CODES = tuple(code for code, *_rest in DEFAULT_KINDS)
# official codes: région (2 digits), département (2-3, 2A/2B), commune (5), EPCI (SIREN, 9)
TERRITORY_CODE = r"^([0-9]{2,3}|2[AB]|[0-9]{5}|2[AB][0-9]{3}|[0-9]{9})$"


@dataclass(frozen=True)
class Param:
    """A declared query parameter: how it is read and how the OpenAPI document shows it."""

    name: str
    type: str  # string, integer, number, boolean, list
    description: str
    enum: tuple[str, ...] | None = None
    required: bool = False
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None  # strings: what the document promises is what is accepted
    choices: tuple[str, ...] | None = None  # lists: the allowed values

    def schema(self) -> dict:
        """OpenAPI schema of the parameter."""
        if self.type == "list":
            one = "|".join(self.choices) if self.choices else "[a-z_]{1,32}"
            out: dict = {"type": "string", "pattern": f"^({one})(,({one}))*$"}
        else:
            out = {"type": self.type}
        if self.pattern:
            out["pattern"] = self.pattern
        if self.enum:
            out["enum"] = list(self.enum)
        if self.default is not None:
            out["default"] = self.default
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.type == "string" and not self.enum and not self.pattern:
            out["maxLength"] = 32
        return out


def formats(*names: str) -> Param:
    """The `f` parameter offering `names`, the first one by default."""
    return Param("f", "string", "Format de la réponse.", enum=names, default=names[0])


P_LEVEL = Param("level", "string", "Niveau des territoires.", enum=LEVELS, required=True)
P_PARENT = Param(
    "parent",
    "string",
    "Code du territoire parent (département, EPCI, région).",
    pattern=TERRITORY_CODE,
)
P_PARENT_LEVEL = Param("parent_level", "string", "Niveau du parent.", enum=LEVELS[1:])
P_KINDS = Param(
    "kind", "list", "Types de coopération, séparés par des virgules.", choices=KIND_CODES
)
P_KIND = Param("kind", "string", "Type de coopération (code).", enum=KIND_CODES, required=True)
P_RULE = Param("rule", "string", "Règle de couverture.", enum=RULES, default="any")
P_DISTANCE = Param(
    "distance_m", "number", "Distance de service imposée (m).", minimum=0, maximum=200_000
)
P_LIMIT = Param(
    "limit", "integer", "Nombre maximal de résultats.", default=20, minimum=1, maximum=1000
)
FILTERS = ("category", "socio_economic_model", "stage")


def read_params(params: tuple[Param, ...], args: Mapping[str, Sequence[str]]) -> dict:
    """The declared parameters in `args` (name → values), typed; 400 on unknown or invalid ones."""
    declared = {p.name: p for p in params}
    for name in args:
        if name not in declared:
            raise BadRequest(f"Paramètre inconnu : {name[:60]!r}.")
    out: dict = {}
    for p in params:
        values = list(args.get(p.name) or [])
        if len(values) > 1:
            raise BadRequest(f"Paramètre {p.name} répété.")
        raw = values[0] if values else None
        if raw is None or raw == "":
            if p.required:
                raise BadRequest(f"Paramètre {p.name} obligatoire.")
            out[p.name] = p.default
            continue
        out[p.name] = _convert(p, raw)
    return out


def _convert(p: Param, raw: str) -> object:
    try:
        if p.type == "integer":
            value: object = int(raw)
        elif p.type == "number":
            value = float(raw)
            if not math.isfinite(value):  # NaN, or 1e400 read as infinity
                raise ValueError
        elif p.type == "boolean":
            if raw not in ("true", "false"):
                raise ValueError
            value = raw == "true"
        elif p.type == "list":
            value = [v.strip() for v in raw.split(",") if v.strip()]
            if not value or any(len(v) > 32 for v in value):
                raise ValueError
            if p.choices and any(v not in p.choices for v in value):
                raise BadRequest(
                    f"Paramètre {p.name} : valeurs parmi {', '.join(p.choices)} attendues."
                )
        else:
            value = raw
            if len(raw) > 32 or (p.pattern and not re.match(p.pattern, raw)):
                raise ValueError
    except ValueError:
        raise BadRequest(f"Paramètre {p.name} : valeur invalide {raw[:40]!r}.") from None
    if p.enum and value not in p.enum:
        raise BadRequest(f"Paramètre {p.name} : valeur parmi {', '.join(p.enum)} attendue.")
    for bound, ok in ((p.minimum, lambda b: value >= b), (p.maximum, lambda b: value <= b)):
        if bound is not None and not ok(bound):
            raise BadRequest(f"Paramètre {p.name} : hors de [{p.minimum}, {p.maximum}].")
    return value


def _flatten(row: dict, prefix: str = "") -> dict:
    flat: dict = {}
    for key, value in row.items():
        if key == "geometry":
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = " ".join(
                json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value
            )
        else:
            flat[name] = value
    return flat


def to_csv(rows: list[dict]) -> str:
    """Rows as CSV (nested objects flattened as a.b columns; formula-safe cells)."""
    flat = [_flatten(r) for r in rows]
    columns: list[str] = []
    for row in flat:
        columns.extend(k for k in row if k not in columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in columns])  # attribute keys come from uploads
    for row in flat:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return out.getvalue()
