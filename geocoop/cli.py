"""`geocoop …` commands. Thin: parse options, call the core, print a line.

Errors from the core (GeocoopError) are printed as one line and exit non-zero; no
traceback reaches the user.
"""

from __future__ import annotations

import functools
import json
import socket
import sys

import click

from geocoop.config import Settings, load_settings
from geocoop.errors import GeocoopError


def _settings() -> Settings:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if "settings" not in root.meta:
        root.meta["settings"] = load_settings()
    return root.meta["settings"]


def friendly_errors(func):
    """Print GeocoopError as one line on stderr and exit 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GeocoopError as exc:
            click.echo(f"Erreur : {exc.message}", err=True)
            sys.exit(1)

    return wrapper


def _engine(migrated: bool = True):
    from geocoop.db import check_migrated, engine_for

    engine = engine_for(_settings())
    if migrated:
        check_migrated(engine)
    return engine


class _Group(click.Group):
    """A group whose subcommands all get `friendly_errors`."""

    def command(self, *args, **kwargs):
        decorator = super().command(*args, **kwargs)
        return lambda f: decorator(friendly_errors(f))

    def group(self, *args, **kwargs):
        kwargs.setdefault("cls", _Group)
        return super().group(*args, **kwargs)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """geocoop — coopérations territoriales : carte, couverture, zones blanches.

    Map French territorial cooperations, their coverage and white zones.
    """


# -- database ----------------------------------------------------------------
@main.group()
def db() -> None:
    """Base PostGIS : démarrer, arrêter, migrer / manage the PostGIS database."""


@db.command("start")
def db_start() -> None:
    """Démarre le cluster PostGIS privé / start the private PostGIS cluster."""
    from geocoop.db import embedded_cluster

    settings = _settings()
    if not settings.uses_embedded_db:
        raise GeocoopError("GEOCOOP_DATABASE_URL est défini : aucun cluster privé à démarrer.")
    cluster = embedded_cluster(settings)
    started = cluster.start()
    click.echo(("Démarré" if started else "Déjà démarré") + f" : {cluster.pgdata}")


@db.command("stop")
def db_stop() -> None:
    """Arrête le cluster PostGIS privé / stop the private PostGIS cluster."""
    from geocoop.db import embedded_cluster

    cluster = embedded_cluster(_settings())
    click.echo("Arrêté." if cluster.stop() else "Le cluster ne tournait pas.")


@db.command("status")
def db_status() -> None:
    """État de la base : version, migration, lignes / database status."""
    from geocoop.db import embedded_cluster, engine_for
    from geocoop.status import database_status

    settings = _settings()
    if settings.uses_embedded_db and not embedded_cluster(settings).is_running():
        click.echo(f"Cluster privé arrêté ({embedded_cluster(settings).pgdata}).")
        sys.exit(3)
    engine = engine_for(settings, start=False)
    with engine.connect() as conn:
        click.echo(json.dumps(database_status(conn), indent=2, ensure_ascii=False))


@db.command("url")
def db_url() -> None:
    """Affiche l'URL de la base / print the database URL."""
    from geocoop.db import resolve_url

    click.echo(resolve_url(_settings(), start=False))


@db.command("upgrade")
def db_upgrade() -> None:
    """Applique les migrations Alembic / apply schema migrations."""
    from geocoop.db import current_revision, head_revision, upgrade

    engine = _engine(migrated=False)
    upgrade(engine)
    click.echo(f"Schéma à jour : {current_revision(engine)} (tête {head_revision()}).")


# -- tokens ------------------------------------------------------------------
@main.group()
def token() -> None:
    """Jetons d'écriture / write tokens."""


@token.command("create")
@click.argument("name")
def token_create(name: str) -> None:
    """Crée un jeton (affiché une seule fois) / create a write token."""
    from geocoop.auth import create_token

    with _engine().begin() as conn:
        click.echo(create_token(conn, name))


@token.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """Révoque les jetons de ce nom / revoke tokens with this name."""
    from geocoop.auth import revoke_token

    with _engine().begin() as conn:
        count = revoke_token(conn, name)
    click.echo(f"{count} jeton(s) révoqué(s).")


@token.command("list")
def token_list() -> None:
    """Liste les jetons (sans leur valeur) / list tokens."""
    from geocoop.auth import list_tokens

    with _engine().connect() as conn:
        for row in list_tokens(conn):
            state = "révoqué" if row["revoked_at"] else "actif"
            click.echo(f"{row['name']}\t{row['created_at']:%Y-%m-%d}\t{state}")


# -- serving -----------------------------------------------------------------
def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise GeocoopError(
                f"Le port {port} sur {host} est déjà pris ({exc.strerror}) : "
                "choisissez-en un autre avec --port ou GEOCOOP_PORT."
            ) from None


@main.command("serve")
@click.option("--host", default=None, help="Adresse d'écoute (défaut 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (défaut 8000).")
def serve(host: str | None, port: int | None) -> None:
    """Lance le service web / run the web service."""
    settings = _settings()
    host, port = host or settings.host, port or settings.port
    _check_port_free(host, port)
    _engine()  # starts the embedded cluster, refuses an un-migrated database
    from werkzeug.serving import run_simple

    from geocoop.web import create_app

    app = create_app(settings=settings)
    click.echo(f"geocoop : carte sur http://{host}:{port}/  (Ctrl-C pour arrêter)")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@main.command("demo")
@click.option("--host", default=None, help="Adresse d'écoute (défaut 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (défaut 8000).")
@click.pass_context
def demo(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Démarre la base, charge les données fournies, sert la carte / one-command demo."""
    from geocoop.db import upgrade
    from geocoop.ingest.bundled import load_bundled

    settings = _settings()
    _check_port_free(host or settings.host, port or settings.port)
    engine = _engine(migrated=False)
    upgrade(engine)
    for line in load_bundled(engine, settings.bundled_data_dir):
        click.echo(line)
    ctx.invoke(serve, host=host, port=port)


def _register_subsystems() -> None:
    # Command groups that live with their subsystem attach themselves here.
    from geocoop.analysis import cli as analysis_cli
    from geocoop.ingest import cli as ingest_cli

    ingest_cli.register(main)
    analysis_cli.register(main)


_register_subsystems()
