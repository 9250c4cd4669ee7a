"""The fields a person may give for one cooperation, bounded and checked.

The fields a person may give for one cooperation (proposal form, editor's PATCH):
bounded, checked against the study's vocabulary, each error named by its field.

Codes are the import's (geocoop.models: CATEGORIES, MODELS, STAGES); lists are split like
a spreadsheet cell (geocoop.ingest.cooperations_rows.split_list).
"""

from __future__ import annotations

from geocoop.errors import BadRequest
from geocoop.ingest.cooperations_rows import split_list
from geocoop.ingest.locate import check_coordinates
from geocoop.models import CATEGORIES, MODELS, STAGES

MAX_TEXT = 200
MAX_LIST_ITEMS = 30
ACCOMPANIMENTS = ("interne", "externe")
CHOICES = {
    "category": CATEGORIES,
    "socio_economic_model": MODELS,
    "stage": STAGES,
    "accompaniment": ACCOMPANIMENTS,
}
TEXTS = ("accompanied_by",)
LISTS = ("stakeholders", "financing_sources")
STUDY_FIELDS = (*CHOICES, *TEXTS, *LISTS, "website")


class FieldErrors(BadRequest):
    """Several fields are invalid; `errors` maps each field to its reason (French)."""

    def __init__(self, errors: dict[str, str]) -> None:
        """The errors by field, joined into one French message."""
        detail = " ; ".join(f"{name} : {reason}" for name, reason in errors.items())
        super().__init__(f"Champs invalides — {detail}.")
        self.errors = errors


def clean_text(value: object, limit: int = MAX_TEXT) -> str | None:
    """Trimmed text without control characters, None when empty; ValueError past `limit`."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("texte attendu")
    value = value.strip()
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError("caractère de contrôle refusé")
    if len(value) > limit:
        raise ValueError(f"{limit} caractères au plus")
    return value or None


def clean_list(value: object) -> list[str] | None:
    """'Région; Département, LEADER (Europe)' or a JSON list → items, bounded."""
    if value is None or value == "":
        return None
    items = split_list(clean_text(value, 2000) or "") if isinstance(value, str) else value
    if not isinstance(items, list) or len(items) > MAX_LIST_ITEMS:
        raise ValueError(f"liste de {MAX_LIST_ITEMS} éléments au plus")
    cleaned = [clean_text(item) for item in items]
    return [item for item in cleaned if item] or None


def clean_website(value: object) -> str | None:
    """An http(s) address, or None."""
    text = clean_text(value, 300)
    if text and not text.lower().startswith(("http://", "https://")):
        raise ValueError("adresse http:// ou https:// attendue")
    return text


def clean_point(lon: object, lat: object) -> tuple[float, float] | None:
    """(lon, lat) in France, or None when both are empty; ValueError otherwise."""
    if lon in (None, "") and lat in (None, ""):
        return None
    try:
        lon_f, lat_f = float(str(lon).replace(",", ".")), float(str(lat).replace(",", "."))
    except ValueError:
        raise ValueError("longitude et latitude en degrés décimaux attendues") from None
    problem = check_coordinates(lat_f, lon_f)
    if problem:
        raise ValueError(problem)
    return round(lon_f, 6), round(lat_f, 6)


def clean_study_fields(data: dict, errors: dict[str, str], *, partial: bool = False) -> dict:
    """The study's fields of `data`, validated; problems go to `errors`.

    With `partial` only the keys present are returned (an edit), else every field (None when
    empty).
    """
    cleaned: dict = {}
    for name in STUDY_FIELDS:
        if partial and name not in data:
            continue
        value = data.get(name)
        try:
            if name in CHOICES:
                value = clean_text(value, 32)
                if value is not None and value not in CHOICES[name]:
                    raise ValueError(f"valeur attendue parmi {', '.join(CHOICES[name])}")
            elif name in LISTS:
                value = clean_list(value)
            elif name == "website":
                value = clean_website(value)
            else:
                value = clean_text(value)
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        cleaned[name] = value
    return cleaned
