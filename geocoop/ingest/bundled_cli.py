"""`geocoop ingest bundled`: load the bundled real data of data/ (what `geocoop demo` does)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add the `bundled` command to the `ingest` group."""

    @group.command("bundled")
    def bundled() -> None:
        """Charge les données fournies (data/) si la base est vide / load the bundled data."""
        from geocoop.cli import _engine, _settings
        from geocoop.db import upgrade
        from geocoop.ingest.bundled import load_bundled

        engine = _engine(migrated=False)
        upgrade(engine)
        for line in load_bundled(engine, _settings().bundled_data_dir):
            click.echo(line)
