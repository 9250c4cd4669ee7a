"""Last bundled-data step: compute the stored analysis figures over what was loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text

from geocoop.analysis.refresh import refresh_all


def load_bundled(engine: Engine, data_dir: Path) -> Iterator[str]:
    """Run refresh_all once communes exist; skip when figures are already fresh."""
    with engine.begin() as conn:
        communes = conn.execute(
            text("SELECT count(*) FROM territory WHERE level = 'commune'")
        ).scalar()
        if not communes:
            yield "Analyse : aucune commune chargée, rien à calculer."
            return
        stale = conn.execute(
            text(
                "SELECT (SELECT max(finished_at) FROM analysis_run WHERE scope = 'full') IS NULL "
                "OR NOT EXISTS (SELECT 1 FROM analysis_commune_kind) "
                "OR EXISTS (SELECT 1 FROM cooperation WHERE updated_at > "
                "(SELECT max(finished_at) FROM analysis_run WHERE scope = 'full')) "
                "OR EXISTS (SELECT 1 FROM territory WHERE updated_at > "
                "(SELECT max(finished_at) FROM analysis_run WHERE scope = 'full'))"
            )
        ).scalar()
        if not stale:
            yield "Analyse : déjà à jour."
            return
        report = refresh_all(conn)
    yield (
        f"Analyse : {report['communes']} communes × {report['kinds']} types, "
        f"{report['white_zones']} zones blanches, {report['synergy_pairs']} paires, "
        f"{report['seconds']:.1f} s."
    )
