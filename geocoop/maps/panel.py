"""The territory panel: one territory's figures, each with the reason behind it.

Composes the analysis API (coverage, white zones, synergies, explanations) with the map's
own lookups (the territory, the cooperations around it). Framework-free: the web view and
the printable fiche both call `territory_panel`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from geocoop.db import current_setting, set_local
from geocoop.errors import BadRequest, NotFound
from geocoop.maps.headline import headline_kinds, scope_label
from geocoop.maps.kinds import map_kinds
from geocoop.maps.sentences import explanation
from geocoop.maps.support import territory_support
from geocoop.maps.territory import cooperations_inside, cooperations_near, find_territory

NEAREST_SHOWN = 10
ZONES_PER_KIND = 3
SYNERGIES_SHOWN = 8


def analysis_api():
    """The analysis API module, or None while the analysis package is incomplete."""
    # The analysis package is optional at import time so the map still serves its
    # outlines and cooperations on a database where figures were never computed.
    if importlib.util.find_spec("geocoop.analysis.coverage") is None:
        return None  # pragma: no cover - only while the analysis package is incomplete
    from geocoop.analysis import api

    return api


def coverage_rows(
    conn: Connection,
    territory: dict,
    kinds: list[dict],
    *,
    rule: str = "any",
    distance_m: float | None = None,
    filters: dict | None = None,
) -> dict:
    """Coverage of the territory for the chosen kinds together and for each kind.

    Coverage of the territory for the chosen kinds together (context layers left out
    when a cooperation kind is chosen) and for each kind, each with its data status; a
    kind without data has no figure (None), never 0 %. The analysis's coverage_summary.
    """
    counted, left_out = headline_kinds(kinds, [k["code"] for k in kinds])
    try:
        summary = analysis_api().coverage_summary(
            conn,
            territory["code"],
            territory["level"],
            kinds=[k["code"] for k in kinds],
            rule=rule,
            distance_m=distance_m,
            filters=filters,
            together=counted,
        )
    except NotFound:
        summary = None  # a territory without any commune: no figure at all
    by_kind = [
        {**row, "context": kind["context"], "data_status": kind["data_status"]}
        for kind, row in zip(kinds, summary["by_kind"] if summary else [], strict=False)
    ]
    selection = (
        summary["selection"] if summary else analysis_api().coverage_status(conn, counted, filters)
    )
    context = {k["code"] for k in kinds if k["context"]}
    return {
        "all": summary["all"] if summary else None,
        "by_kind": by_kind,
        "selection": {
            "kinds": counted,
            "counted": selection["counted"],
            "without_data": selection["without_data"],
            "context_left_out": left_out,
            "scope": scope_label(selection, counted, context),
            "has_figures": selection["has_figures"],
            "filters": selection["filters"],
            "notes": selection["notes"],
        },
    }


def _explanations(conn: Connection, commune_code: str, kinds: list[dict]) -> dict[str, dict]:
    api = analysis_api()
    out = {}
    for k in kinds:
        expl = api.explain_commune(conn, commune_code, k["code"])
        # one sentence per language (decimal comma in French, no « » in English)
        expl["message"], expl["message_en"] = explanation(expl, "fr"), explanation(expl, "en")
        out[k["code"]] = expl
    return out


def _white_zones(conn: Connection, territory: dict, kinds: list[dict], rule: str) -> list[dict]:
    api = analysis_api()
    code, level = territory["code"], territory["level"]
    zones = []
    for kind in kinds:
        if not kind["data_status"]["has_data"]:
            continue  # no white zone is computed for a kind without data
        if level == "commune":
            # a commune's zone is the one it belongs to, found in its département's list
            found = api.white_zones(
                conn,
                kind=kind["code"],
                rule=rule,
                limit=1000,
                parent_code=territory["departement_code"],
                parent_level="departement",
                with_geometry=False,
            )
            found = [z for z in found if code in z["communes"]]
        else:
            found = api.white_zones(
                conn,
                kind=kind["code"],
                rule=rule,
                limit=ZONES_PER_KIND,
                parent_code=code,
                parent_level=level,
                with_geometry=False,
            )
        zones.extend(found[:ZONES_PER_KIND])
    zones.sort(key=lambda z: -(z.get("population") or 0))
    for zone in zones:
        zone["communes"] = zone["communes"][:20]  # the panel names a few, the export has all
    return zones


def _synergies(conn: Connection, territory: dict, kinds: list[str]) -> list[dict]:
    api = analysis_api()
    code, level = territory["code"], territory["level"]
    if level == "commune":
        if not territory.get("epci_code"):
            return []
        pairs = api.synergy_candidates(
            conn, parent_code=territory["epci_code"], parent_level="epci", kinds=kinds, limit=200
        )
        return [
            p for p in pairs if code in (p["a"].get("commune_code"), p["b"].get("commune_code"))
        ][:SYNERGIES_SHOWN]
    return api.synergy_candidates(
        conn, parent_code=code, parent_level=level, kinds=kinds, limit=SYNERGIES_SHOWN
    )


@contextmanager
def serial_plans(conn: Connection) -> Iterator[None]:
    """Inside the block, statements run without parallel workers.

    The panel and the fiche run some forty statements of 1-50 ms each: starting parallel
    workers costs more than it saves there (2-8x slower white-zone lists measured on all
    of France), and under concurrent requests the workers take the cores other requests
    wait for. The setting is restored after the block; on an error the request's
    transaction ends anyway.
    """
    previous = current_setting(conn, "max_parallel_workers_per_gather")
    set_local(conn, "max_parallel_workers_per_gather", "0")
    yield
    set_local(conn, "max_parallel_workers_per_gather", previous)


def selected_kinds(
    conn: Connection, codes: list[str] | None, every: list[dict] | None = None
) -> list[dict]:
    """The kinds asked for; 400 on an unknown code.

    The kinds asked for (every cooperation kind, no context layer, by default); 400 on
    an unknown code. `every` is map_kinds' answer when the caller already has it.
    """
    every = map_kinds(conn) if every is None else every
    if not codes:
        return [k for k in every if not k["context"]]
    known = {k["code"]: k for k in every}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise BadRequest(f"Type de coopération inconnu : {', '.join(unknown)}.")
    return [known[c] for c in codes]


def territory_panel(
    conn: Connection,
    code: str,
    level: str | None = None,
    *,
    kinds: list[str] | None = None,
    rule: str = "any",
    distance_m: float | None = None,
    filters: dict | None = None,
) -> dict:
    """Everything the territory panel and the fiche show about one territory."""
    with serial_plans(conn):
        return _territory_panel(
            conn, code, level, kinds=kinds, rule=rule, distance_m=distance_m, filters=filters
        )


def _territory_panel(
    conn: Connection,
    code: str,
    level: str | None,
    *,
    kinds: list[str] | None,
    rule: str,
    distance_m: float | None,
    filters: dict | None,
) -> dict:
    territory = find_territory(conn, code, level)
    every = map_kinds(conn)  # read once: the chosen kinds and the support section's
    chosen = selected_kinds(conn, kinds, every)
    near = cooperations_near(
        conn, territory["id"], kinds=[k["code"] for k in chosen], filters=filters
    )
    panel = {
        "territory": territory,
        "kinds": chosen,
        "rule": rule,
        "distance_m": distance_m,
        "cooperations_near": near,
        # an exact count: the list above is capped (NEAR_LIMIT)
        "cooperations_inside": cooperations_inside(
            conn, territory["id"], kinds=[k["code"] for k in chosen], filters=filters
        ),
        "analysis": analysis_api() is not None,
    }
    if analysis_api() is None:
        return panel
    panel["coverage"] = coverage_rows(
        conn, territory, chosen, rule=rule, distance_m=distance_m, filters=filters
    )
    if territory["level"] == "commune":
        panel["explanations"] = _explanations(conn, territory["code"], chosen)
    panel["white_zones"] = _white_zones(conn, territory, chosen, rule)
    panel["white_zones_without_data"] = [
        k["code"] for k in chosen if not k["data_status"]["has_data"]
    ]
    panel["synergies"] = _synergies(conn, territory, [k["code"] for k in chosen])
    # every cooperation kind, whatever is ticked, but never a context layer: France
    # services are public services, not cooperations to accompany or finance
    cooperation_kinds = [k["code"] for k in selected_kinds(conn, None, every)]
    panel["support"] = territory_support(conn, territory, cooperation_kinds)
    return panel
