"""`geocoop ingest …`: boundaries, cooperations, partnerships, the bundled data."""

from __future__ import annotations

import click

from geocoop.cli.context import engine, group, settings
from geocoop.cli.ingest_boundaries import boundaries
from geocoop.cli.ingest_cooperations import cooperations, partnerships


@group("ingest")
def ingest() -> None:
    """Importer des fichiers / import files (boundaries, cooperations…)."""


@ingest.command("bundled")
def bundled() -> None:
    """Charge les données fournies (data/) si la base est vide / load the bundled data."""
    from geocoop.db import upgrade
    from geocoop.orchestration import load_bundled

    target = engine(migrated=False)
    upgrade(target)
    for line in load_bundled(target, settings().bundled_data_dir):
        click.echo(line)


for _command in (boundaries, cooperations, partnerships):
    ingest.add_command(_command)
