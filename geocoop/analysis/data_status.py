"""What is loaded for each kind, so that "no data" is never shown as "nobody there".

Every kind carries its data status: the sources loaded (cooperations, file, import date,
vintage), the count, and — where a published census exists (reference_counts.yaml) — the
reference count. A kind without any cooperation has status "none": no coverage figure, no
white zone is computed for it, and every page says « aucune donnée chargée ».
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import Connection

from geocoop.errors import ConfigurationError, NoData
from geocoop.sql import statement

REFERENCE_FILE = Path(__file__).resolve().parent / "reference_counts.yaml"
NO_DATA_FR = "aucune donnée chargée"
NO_DATA_EN = "no data loaded"
RECOMPUTING_FR = "chiffres en cours de recalcul"
RECOMPUTING_EN = "figures being recomputed"
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


@cache
def reference_table(path: Path = REFERENCE_FILE) -> dict:
    """{"references": {kind: {...}}, "context_kinds": [...]} read once per process."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        refs = {
            str(kind): {
                "count": int(ref["count"]),
                "approximate": bool(ref.get("approximate", False)),
                "year": int(ref["year"]),
                "noun_fr": str(ref["noun_fr"]),
                "noun_en": str(ref["noun_en"]),
                "noun_en_one": str(ref.get("noun_en_one") or ref["noun_en"]),
                "what_fr": str(ref["what_fr"]),
                "what_en": str(ref["what_en"]),
                "source": " ".join(str(ref["source"]).split()),
            }
            for kind, ref in (data.get("references") or {}).items()
        }
        context = [str(k) for k in data.get("context_kinds") or []]
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"{path.name} illisible : {exc}") from None
    return {"references": refs, "context_kinds": context}


def context_kinds(rows: dict[str, bool]) -> set[str]:
    """Codes of the context layers among `rows`.

    `rows` maps code → is_support; the context layers are the support structures and the
    public services listed in reference_counts.yaml.
    """
    listed = set(reference_table()["context_kinds"])
    return {code for code, is_support in rows.items() if is_support or code in listed}


def _number(value: int, lang: str) -> str:
    text = f"{value:,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def _vintage(source: str | None, file_name: str | None, imported_at) -> tuple[str | None, str]:
    for origin, value in (("source", source), ("file_name", file_name)):
        found = _YEAR.findall(value or "")
        if found:
            return found[-1], origin
    if imported_at is not None:
        return str(imported_at.year), "import_date"
    return None, "unknown"


def _messages(count: int, ref: dict | None) -> tuple[str, str]:
    if count == 0:
        return NO_DATA_FR, NO_DATA_EN
    if ref is None:
        plural = count > 1
        return (
            f"{_number(count, 'fr')} coopération{'s' if plural else ''} "
            f"chargée{'s' if plural else ''}",
            f"{_number(count, 'en')} cooperation{'s' if plural else ''} loaded",
        )
    tilde = "~" if ref["approximate"] else ""
    return (
        f"{_number(count, 'fr')} {ref['noun_fr']} chargé{'s' if count > 1 else ''} sur {tilde}"
        f"{_number(ref['count'], 'fr')} {ref['what_fr']} en {ref['year']}",
        f"{_number(count, 'en')} {ref['noun_en_one' if count == 1 else 'noun_en']} loaded "
        f"out of {tilde}"
        f"{_number(ref['count'], 'en')} {ref['what_en']} in {ref['year']}",
    )


# Within status_memo(): each connection's data status, computed once (a page asks for it
# from a dozen places: legend, selection notes, panel sections…).
_MEMO: ContextVar[dict | None] = ContextVar("geocoop_data_status_memo", default=None)


@contextmanager
def status_memo() -> Iterator[None]:
    """Compute `data_status` once per connection inside this block.

    For work under which the data cannot change (a read-only request), never around a write.
    """
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def data_status(conn: Connection) -> dict[str, dict]:
    """Every kind's data status, computed once per connection within `status_memo()`.

    See `_data_status` for its fields.
    """
    memo = _MEMO.get()
    if memo is None:
        return _data_status(conn)
    if conn not in memo:
        memo[conn] = _data_status(conn)
    return memo[conn]


def _data_status(conn: Connection) -> dict[str, dict]:
    """Every kind's data status, by kind code.

    {"kind", "label", "label_en", "status": "none" | "partial" | "loaded",
     "has_data": bool (status ≠ none), "cooperations", "placed" (with a point or a
     perimeter), "context": bool,
     "sources": [{"source", "cooperations", "file_name", "imported_at", "vintage",
                  "vintage_from": "source" | "file_name" | "import_date" | "unknown"}],
     "vintage" ("2019" or "2020, 2024"; None without data),
     "reference": {"count", "approximate", "year", "source", …} | None,
     "message" (French, e.g. « 1 512 tiers-lieux chargés sur ~3 500 recensés en 2023 »,
     « aucune donnée chargée »), "message_en",
     "recomputing": bool — rows committed, figures being recomputed (the message says so),
     "profiles_recomputing": bool — its figures fresh, the per-profile facts that answer
     stage/category/model filters being recomputed (selection notes say so when filtered)}
    "none" = no cooperation, or none with a point or a perimeter; "partial" = fewer
    cooperations than the reference count; "loaded" = otherwise (complete or no reference).
    """
    refs = reference_table()["references"]
    out: dict[str, dict] = {}
    support: dict[str, bool] = {}
    for r in conn.execute(statement("analysis/data_status")).mappings():
        kind = r["kind_code"]
        support[kind] = bool(r["is_support"])
        entry = out.setdefault(
            kind,
            {
                "kind": kind,
                "label": r["label_fr"],
                "label_en": r["label_en"],
                "cooperations": 0,
                "placed": 0,
                "sources": [],
                "recomputing": bool(r["recomputing"]),
                "profiles_recomputing": bool(r["profiles_recomputing"]),
            },
        )
        if r["source"] is None:
            continue
        vintage, origin = _vintage(r["source"], r["file_name"], r["imported_at"])
        entry["cooperations"] += int(r["cooperations"])
        entry["placed"] += int(r["placed"])
        entry["sources"].append(
            {
                "source": r["source"],
                "cooperations": int(r["cooperations"]),
                "file_name": r["file_name"],
                "imported_at": r["imported_at"].isoformat() if r["imported_at"] else None,
                "vintage": vintage,
                "vintage_from": origin,
            }
        )
    context = context_kinds(support)
    for kind, entry in out.items():
        ref = refs.get(kind)
        count = entry["cooperations"]
        if count == 0 or entry["placed"] == 0:
            status = "none"
        elif ref is not None and count < ref["count"]:
            status = "partial"
        else:
            status = "loaded"
        vintages = sorted({s["vintage"] for s in entry["sources"] if s["vintage"]})
        fr, en = _messages(count, ref)
        if count and not entry["placed"]:
            fr = f"{fr}, aucune localisée ({NO_DATA_FR} sur la carte)"
            en = f"{en}, none located: nothing to show on the map"
        if entry["recomputing"]:
            fr, en = f"{fr} ; {RECOMPUTING_FR}", f"{en}; {RECOMPUTING_EN}"
        entry.update(
            status=status,
            has_data=status != "none",
            context=kind in context,
            vintage=", ".join(vintages) or None,
            reference=ref,
            message=fr,
            message_en=en,
        )
    return out


def kinds_with_data(conn: Connection, kinds: list[str]) -> list[str]:
    """The kinds of `kinds` that have at least one cooperation (order kept)."""
    status = data_status(conn)
    return [k for k in kinds if status.get(k, {}).get("has_data")]


def require_data(conn: Connection, kind: str, consequence: str) -> dict:
    """The kind's data status; NoData (409) when it has none.

    For answers such as a CSV file that have no room to say so (`consequence`: « aucune zone blanche
    n'est calculée », …).
    """
    status = data_status(conn).get(kind)
    if status is not None and not status["has_data"]:
        raise NoData(
            f"Aucune donnée chargée pour « {status['label']} » : {consequence} (une liste "
            "vide laisserait croire qu'il n'en manque nulle part)."
        )
    return status or {}
