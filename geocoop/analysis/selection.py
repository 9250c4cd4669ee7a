"""What a coverage figure is made of: which kinds count, what the filters leave out.

Unknown is not zero: a filter on stage, category or socio-economic model keeps only the
cooperations whose value is known and matches; the others are counted and named
(« 222 coopérations sans stade renseigné, exclues »). A kind without data is never counted
(« aucune donnée chargée »); when nothing is left to count there is no figure at all.
"""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.analysis.data_status import (
    NO_DATA_EN,
    NO_DATA_FR,
    RECOMPUTING_EN,
    RECOMPUTING_FR,
    data_status,
)
from geocoop.analysis.params import check_filters, check_kinds
from geocoop.sql import statement

FIELDS = ("category", "socio_economic_model", "stage")
# (French phrase after "sans", English phrase after "without", French name for "de … renseigné")
_WORDS = {
    "category": ("catégorie renseignée", "a category", "catégorie renseignée"),
    "socio_economic_model": (
        "modèle socio-économique renseigné",
        "a socio-economic model",
        "modèle socio-économique renseigné",
    ),
    "stage": ("stade renseigné", "a stage", "stade renseigné"),
}


def _n(value: int, lang: str) -> str:
    text = f"{value:,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def _coops(value: int, lang: str) -> str:
    if lang == "fr":
        return f"{_n(value, 'fr')} coopération{'s' if value > 1 else ''}"
    return f"{_n(value, 'en')} cooperation{'s' if value != 1 else ''}"


def selection_status(
    conn: Connection,
    kinds: list[str],
    filters: dict[str, list[str] | None],
    *,
    status: dict[str, dict] | None = None,
) -> dict:
    """How the figures of `kinds` under `filters` are made (validated arguments).

    {"kinds": requested, "counted": kinds whose cooperations are counted (data loaded and
     at least one passes the filters), "without_data": kinds with no data loaded,
     "without_match": kinds with data but no cooperation passing the filters,
     "cooperations": placeable cooperations of the kinds with data, "matching": those
     passing the filters, "per_kind": {kind: {"total", "matching", "<field>_known"}},
     "filters": {field: {"values", "known", "unknown", "matching"}} (filtered fields only),
     "has_figures": bool, "notes": [{"code": "recomputing" | "no_data" | "partial" |
     "unknown" | "no_match" | "kind_without_match", …, "message", "message_en"}],
     "data_status": {kind: see data_status()} for the requested kinds}
    """
    status = status if status is not None else data_status(conn)
    with_data = [k for k in kinds if status.get(k, {}).get("has_data")]
    without_data = [k for k in kinds if k not in with_data]
    active = {f: v for f, v in filters.items() if v}
    per_kind: dict[str, dict] = {}
    if with_data:
        rows = conn.execute(
            statement("analysis/filter_counts"),
            {"kinds": with_data, **{f: filters.get(f) for f in FIELDS}},
        ).mappings()
        per_kind = {r["kind_code"]: {k: int(v) for k, v in r.items() if k != "kind_code"}
                    for r in rows}  # fmt: skip
    counted = [k for k in with_data if per_kind.get(k, {}).get("matching")]
    without_match = [k for k in with_data if k not in counted]
    total = sum(per_kind.get(k, {}).get("total", 0) for k in with_data)
    matching = sum(per_kind.get(k, {}).get("matching", 0) for k in with_data)
    fields = {}
    for field, values in active.items():
        known = sum(per_kind.get(k, {}).get(f"{field}_known", 0) for k in with_data)
        fields[field] = {
            "values": list(values),
            "known": known,
            "unknown": total - known,
            "matching": matching,
        }
    notes = _notes(kinds, status, without_data, fields, total, matching)
    if counted and without_match:
        fr = ", ".join(status[k]["label"] for k in without_match)
        en = ", ".join(status[k]["label_en"] for k in without_match)
        notes.append(
            {
                "code": "kind_without_match",
                "kinds": without_match,
                "message": f"aucune coopération ne correspond aux filtres, non comptés : {fr}",
                "message_en": f"no cooperation matches the filters, not counted: {en}",
            }
        )
    return {
        "kinds": list(kinds),
        "counted": counted,
        "without_data": without_data,
        "without_match": without_match,
        "cooperations": total,
        "matching": matching,
        "per_kind": per_kind,
        "filters": fields,
        "has_figures": bool(counted),
        "notes": notes,
        "data_status": {k: status[k] for k in kinds if k in status},
    }


def _notes(kinds, status, without_data, fields, total, matching) -> list[dict]:
    notes = []
    recomputing = [k for k in kinds if status.get(k, {}).get("recomputing")]
    if fields:  # a stage/category/model filter reads per-profile facts, maybe still stale
        recomputing += [
            k
            for k in kinds
            if status.get(k, {}).get("profiles_recomputing") and k not in recomputing
        ]
    if recomputing:
        fr = ", ".join(status[k]["label"] for k in recomputing)
        en = ", ".join(status[k]["label_en"] for k in recomputing)
        notes.append(
            {
                "code": "recomputing",
                "kinds": recomputing,
                "message": f"{RECOMPUTING_FR} (données importées à l'instant) : {fr}",
                "message_en": f"{RECOMPUTING_EN} (data just imported): {en}",
            }
        )
    if without_data:
        fr = ", ".join(status.get(k, {}).get("label", k) for k in without_data)
        en = ", ".join(status.get(k, {}).get("label_en", k) for k in without_data)
        notes.append(
            {
                "code": "no_data",
                "kinds": without_data,
                "message": f"{NO_DATA_FR} : {fr}",
                "message_en": f"{NO_DATA_EN} for {en}",
            }
        )
    for kind in kinds:
        entry = status.get(kind)
        if entry and entry["status"] == "partial":
            notes.append(
                {
                    "code": "partial",
                    "kind": kind,
                    "message": entry["message"],
                    "message_en": entry["message_en"],
                }
            )
    for field, info in fields.items():
        if info["unknown"]:
            fr_word, en_word, _ = _WORDS[field]
            plural = "s" if info["unknown"] > 1 else ""
            notes.append(
                {
                    "code": "unknown",
                    "field": field,
                    "count": info["unknown"],
                    "message": f"{_coops(info['unknown'], 'fr')} sans {fr_word}, exclue{plural}",
                    "message_en": (f"{_coops(info['unknown'], 'en')} without {en_word}, left out"),
                }
            )
    if total and not matching:
        unknown_everywhere = [f for f, info in fields.items() if not info["known"]]
        if unknown_everywhere:
            field = unknown_everywhere[0]
            fr = f"aucune coopération de la sélection n'a de {_WORDS[field][2]} : pas de chiffre"
            en = f"no cooperation of the selection has {_WORDS[field][1]}: no figure to show"
        else:
            fr = "aucune coopération de la sélection ne correspond aux filtres : pas de chiffre"
            en = "no cooperation of the selection matches the filters: no figure to show"
        notes.append({"code": "no_match", "message": fr, "message_en": en})
    return notes


def note_text(selection: dict, lang: str = "fr") -> str | None:
    """The notes as one sentence (CSV cells, fiche); None when there is nothing to say."""
    key = "message_en" if lang == "en" else "message"
    parts = [n[key] for n in selection["notes"]]
    return " ; ".join(parts) if parts else None


def coverage_status(
    conn: Connection, kinds: list[str] | None = None, filters: dict | None = None
) -> dict:
    """What the figures of `coverage(kinds=…, filters=…)` are made of.

    {"kinds", "counted", "without_data", "without_match", "cooperations", "matching",
     "filters": {field: {"values", "known", "unknown", "matching"}}, "has_figures",
     "notes": [{"code": "no_data" | "partial" | "unknown" | "no_match", "message",
     "message_en", …}], "data_status": {kind: …}}.
    """
    return selection_status(conn, check_kinds(conn, kinds), check_filters(filters))
