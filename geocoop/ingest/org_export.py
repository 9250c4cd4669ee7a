"""An organisation exports all of its data: its cooperations and its change history.

Its cooperations are those of the source named by its slug (the ownership rule of
geocoop.ingest.edits.check_owner); its history is every logged change made by one of its
members or touching one of its cooperations (deleted ones included). GeoJSON (the
cooperations as features, the changes as a foreign member) or CSV (one table at a time,
no cell can start a spreadsheet formula). Only its members (any role) and admins may.
"""

from __future__ import annotations

import csv
import io
import json
from typing import NamedTuple

from sqlalchemy import Connection

from geocoop.audit import changed_fields
from geocoop.auth import Principal
from geocoop.errors import BadRequest, Forbidden, NotFound
from geocoop.sql import statement
from geocoop.text import safe_cell

FORMATS = ("geojson", "csv")
TABLES = ("cooperations", "changes")
# the columns of the cooperations CSV, in the order of the study (snapshot keys)
COOP_COLUMNS = (
    "kind_code", "name", "category", "socio_economic_model", "stage", "stakeholders",
    "accompaniment", "accompanied_by", "financing_sources", "website", "commune_code",
    "perimeter_codes", "location_precision", "legal_form", "governance", "lead_body",
    "lead_body_type", "staff_fte", "networks", "peer_cooperation", "year_founded", "address",
    "postcode", "source", "source_id",
)  # fmt: skip
CHANGE_COLUMNS = ("id", "at", "actor", "action", "cooperation_id", "via", "reverts")


def check_export_scope(conn: Connection, principal: Principal, slug: str) -> None:
    """Refuse anyone but a member of organisation `slug` (or an admin); NotFound if none."""
    exists = conn.execute(statement("ingest/source_owner"), {"source": slug}).scalar()
    if principal.role != "admin" and principal.organisation != slug:
        raise Forbidden("Seuls les membres de cette organisation peuvent exporter ses données.")
    if exists is None:
        raise NotFound(f"Aucune organisation « {slug} ».")


def _cooperations(conn: Connection, slug: str) -> list[dict]:
    rows = conn.execute(statement("ingest/org_export_cooperations"), {"slug": slug})
    return [dict(r._mapping) for r in rows]


def _changes(conn: Connection, slug: str) -> list[dict]:
    rows = conn.execute(statement("ingest/org_export_changes"), {"slug": slug})
    return [
        {
            **r._mapping,
            "at": r.at.isoformat(),
            "changes": changed_fields(r.before, r.after),
        }
        for r in rows
    ]


def export_geojson(conn: Connection, slug: str) -> dict:
    """The cooperations as a FeatureCollection; the history in its `changes` member."""
    features = [
        {
            "type": "Feature",
            "id": row["id"],
            "geometry": row["geometry"],  # None when not located: unknown, not (0, 0)
            # the point stays a property: a drawn perimeter is the geometry, not the place
            "properties": row["state"],
        }
        for row in _cooperations(conn, slug)
    ]
    return {
        "type": "FeatureCollection",
        "organisation": slug,
        "features": features,
        "changes": _changes(conn, slug),
    }


def _cell(value: object) -> object:
    # lists joined with " | ": their items (stakeholders…) may hold spaces
    if isinstance(value, list):
        value = " | ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return safe_cell(value)


def export_csv(conn: Connection, slug: str, table: str) -> str:
    """One table (`cooperations` with WKT, or `changes` with before/after JSON) as CSV."""
    if table not in TABLES:
        raise BadRequest(f"table : une valeur parmi {', '.join(TABLES)}.")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if table == "cooperations":
        writer.writerow(["id", *COOP_COLUMNS, "lon", "lat", "wkt"])
        for row in _cooperations(conn, slug):
            state = row["state"]
            lon, lat = state.get("point") or (None, None)
            cells = [_cell(state.get(c)) for c in COOP_COLUMNS]
            writer.writerow([row["id"], *cells, lon, lat, row["wkt"]])
        return out.getvalue()
    writer.writerow([*CHANGE_COLUMNS, "fields", "before", "after"])
    for change in _changes(conn, slug):
        fields = [c["field"] for c in change["changes"]]
        writer.writerow(
            [
                *(_cell(change[c]) for c in CHANGE_COLUMNS),
                _cell(fields),
                _cell(change["before"]) if change["before"] is not None else None,
                _cell(change["after"]) if change["after"] is not None else None,
            ]
        )
    return out.getvalue()


def check_format(fmt: str | None) -> str:
    """The export format asked (geojson by default); BadRequest for any other."""
    fmt = fmt or "geojson"
    if fmt not in FORMATS:
        raise BadRequest(f"f : une valeur parmi {', '.join(FORMATS)}.")
    return fmt


class Download(NamedTuple):
    """An export ready to send: its text, file name and media type."""

    body: str
    filename: str
    mimetype: str


def export_download(
    conn: Connection, principal: Principal, slug: str, fmt: str | None, table: str | None
) -> Download:
    """Organisation `slug`'s export in `fmt` (CSV: `table`), checked against `principal`."""
    fmt = check_format(fmt)
    check_export_scope(conn, principal, slug)
    if fmt == "csv":
        table = table or "cooperations"
        body = export_csv(conn, slug, table)
        return Download(body, f"{slug}-{table}.csv", "text/csv; charset=utf-8")
    body = json.dumps(export_geojson(conn, slug), ensure_ascii=False, default=str)
    return Download(body, f"{slug}.geojson", "application/geo+json")
