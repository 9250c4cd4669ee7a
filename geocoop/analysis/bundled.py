"""Last bundled-data step: compute the stored analysis figures over what was loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from geocoop.analysis.pending import clear_pending
from geocoop.analysis.refresh import refresh_all
from geocoop.sql import statement
from geocoop.territories import any_territory


def load_bundled(engine: Engine, data_dir: Path) -> Iterator[str]:
    """Run refresh_all once communes exist; skip when figures are already fresh."""
    with engine.begin() as conn:
        if not any_territory(conn, "commune"):
            yield "Analyse : aucune commune chargée, rien à calculer."
            return
        stale = conn.execute(statement("analysis/analysis_stale")).scalar()
        if not stale:
            yield "Analyse : déjà à jour."
            return
        report = refresh_all(conn)
        clear_pending(conn)  # every kind's figures are fresh again
    yield (
        f"Analyse : {report['communes']} communes × {report['kinds']} types, "
        f"{report['white_zones']} zones blanches, {report['synergy_pairs']} paires, "
        f"{report['seconds']:.1f} s."
    )
