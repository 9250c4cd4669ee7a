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


@db.group("replica")
def replica() -> None:
    """Standby de lecture local (réplication en flux) / local streaming read replica."""


def _standby():
    from geocoop.db import embedded_cluster
    from geocoop.embedded import StandbyCluster

    current = settings()
    if not current.uses_embedded_db:
        raise GeocoopError(
            "GEOCOOP_DATABASE_URL est défini : le standby local ne réplique que le cluster "
            "privé (pour un serveur à vous, voir docs/operations.md)."
        )
    return StandbyCluster(embedded_cluster(current))


@replica.command("start")
def replica_start() -> None:
    """Crée (pg_basebackup) et démarre le standby / provision and start the standby."""
    standby = _standby()
    standby.primary.start()
    started = standby.start()
    click.echo(("Démarré" if started else "Déjà démarré") + f" : {standby.pgdata}")
    click.echo(f"GEOCOOP_READ_DATABASE_URLS={standby.url()}")


@replica.command("stop")
@click.option("--remove", is_flag=True, help="Supprime aussi le dossier et le slot / also delete.")
def replica_stop(remove: bool) -> None:
    """Arrête le standby / stop the standby (its slot keeps WAL until --remove)."""
    standby = _standby()
    if remove:
        standby.remove()
        click.echo(f"Standby supprimé (dossier et slot {standby.slot}).")
    else:
        click.echo("Arrêté." if standby.stop() else "Le standby ne tournait pas.")


@replica.command("url")
def replica_url() -> None:
    """Affiche l'URL du standby / print the standby's URL (GEOCOOP_READ_DATABASE_URLS)."""
    click.echo(_standby().url())


@replica.command("status")
def replica_status() -> None:
    """Retard et état du standby et du principal / standby lag and primary's senders."""
    from geocoop.db import make_engine
    from geocoop.replication import primary_replication, probe

    current = settings()
    standby = _standby()
    report: dict = {"standby": str(standby.pgdata), "running": standby.is_running()}
    if report["running"]:
        engine = make_engine(standby.url(), current)
        try:
            report.update(probe(engine, "standby", current.max_replica_lag_s).as_dict())
        finally:
            engine.dispose()
    if standby.primary.is_running():
        engine = make_engine(standby.primary.url(), current)
        try:
            with engine.connect() as conn:
                report["primary"] = primary_replication(conn)
        finally:
            engine.dispose()
    click.echo(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    if not report["running"]:
        sys.exit(3)
