"""`geocoop db start / stop / status / url / upgrade`: the private cluster and the schema."""

from __future__ import annotations

import json
import sys

import click

from geocoop.cli.context import engine, group, settings
from geocoop.errors import GeocoopError


@group()
def db() -> None:
    """Base PostGIS : démarrer, arrêter, migrer / manage the PostGIS database."""


@db.command("start")
def db_start() -> None:
    """Démarre le cluster PostGIS privé / start the private PostGIS cluster."""
    from geocoop.db import embedded_cluster

    current = settings()
    if not current.uses_embedded_db:
        raise GeocoopError("GEOCOOP_DATABASE_URL est défini : aucun cluster privé à démarrer.")
    cluster = embedded_cluster(current)
    started = cluster.start()
    click.echo(("Démarré" if started else "Déjà démarré") + f" : {cluster.pgdata}")


@db.command("stop")
def db_stop() -> None:
    """Arrête le cluster PostGIS privé / stop the private PostGIS cluster."""
    from geocoop.db import embedded_cluster

    cluster = embedded_cluster(settings())
    click.echo("Arrêté." if cluster.stop() else "Le cluster ne tournait pas.")


@db.command("status")
def db_status() -> None:
    """État de la base : version, migration, lignes / database status."""
    from geocoop.db import embedded_cluster, engine_for
    from geocoop.status import database_status

    current = settings()
    if current.uses_embedded_db and not embedded_cluster(current).is_running():
        click.echo(f"Cluster privé arrêté ({embedded_cluster(current).pgdata}).")
        sys.exit(3)
    status_engine = engine_for(current, start=False)
    with status_engine.connect() as conn:
        click.echo(json.dumps(database_status(conn), indent=2, ensure_ascii=False))


@db.command("url")
def db_url() -> None:
    """Affiche l'URL de la base / print the database URL."""
    from geocoop.db import resolve_url

    click.echo(resolve_url(settings(), start=False))


@db.command("upgrade")
def db_upgrade() -> None:
    """Applique les migrations Alembic / apply schema migrations."""
    from geocoop.db import current_revision, head_revision, upgrade

    target = engine(migrated=False)
    upgrade(target)
    click.echo(f"Schéma à jour : {current_revision(target)} (tête {head_revision()}).")
