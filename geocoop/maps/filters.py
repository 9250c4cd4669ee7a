"""The map's filters, parsed from query-string values (the same names as the page's URL)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from geocoop.errors import BadRequest
from geocoop.models import CATEGORIES, MODELS, STAGES

RULES = ("any", "distance", "perimeter")
MAX_DISTANCE_KM = 200


@dataclass(frozen=True)
class MapFilters:
    """What the visitor chose: kinds, category, model, stage and the coverage rule."""

    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    rule: str = "any"
    distance_m: float | None = None

    def analysis_filters(self) -> dict | None:
        """The `filters` argument of the analysis API (None when nothing restricts)."""
        out = {
            name: list(values)
            for name, values in (
                ("category", self.categories),
                ("socio_economic_model", self.models),
                ("stage", self.stages),
            )
            if values
        }
        return out or None

    def sql_params(self) -> dict:
        """Bound parameters of maps/cooperations.sql (None = no filter)."""
        return {
            "kinds": list(self.kinds) or None,
            "categories": list(self.categories) or None,
            "models": list(self.models) or None,
            "stages": list(self.stages) or None,
        }


def _values(args: Mapping[str, Sequence[str]], name: str) -> tuple[str, ...]:
    raw = args.get(name) or []
    if isinstance(raw, str):
        raw = [raw]
    out: list[str] = []
    for item in raw:
        out.extend(v.strip() for v in item.split(",") if v.strip())
    return tuple(dict.fromkeys(out))


def _checked(name: str, values: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    bad = [v for v in values if v not in allowed]
    if bad:
        raise BadRequest(
            f"Valeur inconnue pour {name} : {bad[0][:40]!r} (attendu : {', '.join(allowed)})."
        )
    return values


def parse_filters(args: Mapping[str, Sequence[str]]) -> MapFilters:
    """Filters from `args` (name → list of values; comma-separated lists accepted).

    kinds, category, model, stage, rule (any|distance|perimeter), distance_km (0–200).
    """
    kinds = _values(args, "kinds")
    if any(len(k) > 32 or not k.replace("_", "").isalnum() for k in kinds):
        raise BadRequest("Paramètre kinds invalide.")
    rule = (_values(args, "rule") or ("any",))[0]
    _checked("rule", (rule,), RULES)
    distance = _values(args, "distance_km")
    distance_m = None
    if distance:
        try:
            km = float(distance[0])
        except ValueError:
            raise BadRequest("distance_km doit être un nombre de kilomètres.") from None
        if not 0 < km <= MAX_DISTANCE_KM:
            raise BadRequest(f"distance_km doit être entre 0 et {MAX_DISTANCE_KM}.")
        distance_m = km * 1000
    return MapFilters(
        kinds=kinds,
        categories=_checked("category", _values(args, "category"), CATEGORIES),
        models=_checked("model", _values(args, "model"), MODELS),
        stages=_checked("stage", _values(args, "stage"), STAGES),
        rule=rule,
        distance_m=distance_m,
    )
