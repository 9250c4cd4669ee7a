"""The cooperation kinds as the map legend shows them, with what is loaded for each."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.sql import statement

# what the page needs of a kind's data status (the full one is at /api/analysis/…)
_STATUS_FIELDS = (
    "status",
    "has_data",
    "cooperations",
    "vintage",
    "message",
    "message_en",
    "recomputing",
)


def map_kinds(conn: Connection) -> list[dict]:
    """Every kind with what the map shows of it.

    Kinds with label, colour (Okabe-Ito), icon, service distance, cooperation count,
    `context` (a context layer: public services, support structures — not a cooperation)
    and `data_status` (status, message « aucune donnée chargée » / « 1 512 tiers-lieux
    chargés sur ~3 500 recensés en 2023 »…, reference count).
    """
    from geocoop.analysis.data_status import data_status

    status = data_status(conn)
    kinds = []
    for row in conn.execute(statement("maps/kinds")):
        kind = dict(row._mapping)
        entry = status[kind["code"]]
        kind["context"] = entry["context"]
        kind["data_status"] = {f: entry[f] for f in _STATUS_FIELDS}
        reference = entry["reference"]
        kind["data_status"]["reference"] = (
            None
            if reference is None
            else {k: reference[k] for k in ("count", "approximate", "year", "source")}
        )
        kinds.append(kind)
    kinds.sort(key=lambda k: k["context"])  # context layers after the cooperations
    return kinds


def default_kinds(kinds: list[dict]) -> list[str]:
    """The map's default selection: one meaningful kind.

    The cooperation kind (not a context layer) with the most cooperations loaded; without any data,
    the first cooperation kind (which then reads « aucune donnée chargée »).
    """
    candidates = [k for k in kinds if not k["context"]]
    with_data = [k for k in candidates if k["data_status"]["has_data"]]
    if with_data:
        return [max(with_data, key=lambda k: k["cooperations"])["code"]]
    return [candidates[0]["code"]] if candidates else []


def cooperation_kinds(kinds: list[dict]) -> list[dict]:
    """The kinds that are cooperations (not context layers)."""
    return [k for k in kinds if not k["context"]]
