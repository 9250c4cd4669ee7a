"""The bundled cooperation lists of data/cooperations/ (Bretagne and La Réunion slice).

Runs after the boundaries step: rows located by INSEE code need the communes. A list
already imported with the same checksum is skipped, and re-importing it would change
nothing anyway (identity = source + source id).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from geocoop.ingest.report import file_checksum
from geocoop.sql import statement
from geocoop.territories import any_territory

# (path under data/cooperations, kind, source name[, mapping file of data/mappings/])
BUNDLED_LISTS: tuple[tuple[str, ...], ...] = (
    ("tiers-lieux-cget-2019/CGET_TiersLieux_2019.csv", "tiers_lieu", "cget-tiers-lieux-2019"),
    ("france-services/liste-fs-20240801.csv", "france_services", "anct-france-services-2024"),
    (
        "france-services/france_services_2020.geojson",
        "france_services",
        "anct-france-services-2020",
    ),
    (
        "pat-france-2025/pats-axe-gouvernance-20250710-win1252.csv",
        "pat",
        "france-pat-2025",
        "pat-france-2025.yaml",
    ),
)


def load_bundled(engine: Engine, data_dir: Path) -> Iterator[str]:
    """Import each bundled list not imported yet; yield one progress line per list."""
    from geocoop.ingest.cooperations import import_cooperations

    folder = Path(data_dir) / "cooperations"
    with engine.connect() as conn:
        has_communes = any_territory(conn, "commune")
    if not has_communes:
        yield "Coopérations : aucune commune chargée, étape ignorée."
        return
    for relative, kind, source, *mapping_name in BUNDLED_LISTS:
        path = folder / relative
        mapping = Path(data_dir) / "mappings" / mapping_name[0] if mapping_name else None
        if not path.exists():
            yield f"Coopérations : {relative} absent, ignoré."
            continue
        with engine.connect() as conn:
            done = conn.execute(
                statement("ingest/cooperations_done"), {"s": source, "c": file_checksum(path)}
            ).scalar_one()
        if done:
            yield f"Coopérations : {source} déjà chargé."
            continue
        with engine.begin() as conn:
            report = import_cooperations(
                conn,
                path,
                kind=kind,
                source=source,
                actor="bundled",
                mapping=mapping,
                allow_join=True,
            )
        precision = ", ".join(f"{k} {v}" for k, v in report.counts["by_precision"].items() if v)
        yield (
            f"Coopérations : {source} : {report.accepted} chargée(s) ({precision}), "
            f"{len(report.rejects)} rejet(s)."
        )
