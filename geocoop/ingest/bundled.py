"""Load the bundled real data of data/ into an empty database (the demo's default)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text


def load_bundled(engine: Engine, data_dir: Path) -> Iterator[str]:
    """Load what data/ holds unless it is already loaded; yield one line per step."""
    with engine.connect() as conn:
        territories = conn.execute(text("SELECT count(*) FROM territory")).scalar_one()
    if territories:
        yield f"Données déjà chargées ({territories} territoires) : rien à faire."
        return
    yield f"Aucun chargeur de données fourni pour {data_dir} pour l'instant."
