"""`geocoop ingest …`: each loader contributes its own command module."""

from __future__ import annotations

import click

from geocoop.ingest import boundaries_cli, bundled_cli, cooperations_cli


def register(main: click.Group) -> None:
    """Attach the `ingest` group and every loader command to `main`."""

    @main.group("ingest")
    def ingest() -> None:
        """Importer des fichiers / import files (boundaries, cooperations…)."""

    for module in (boundaries_cli, cooperations_cli, bundled_cli):
        module.register(ingest)
