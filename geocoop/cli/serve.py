"""`geocoop serve` and `geocoop demo`: the development server, and the one-command demo."""

from __future__ import annotations

import socket

import click

from geocoop.cli.context import command, engine, settings
from geocoop.errors import GeocoopError


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


@command("serve")
@click.option("--host", default=None, help="Adresse d'écoute (défaut 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (défaut 8000).")
def serve(host: str | None, port: int | None) -> None:
    """Lance le service web / run the web service."""
    current = settings()
    host, port = host or current.host, port or current.port
    _check_port_free(host, port)
    engine()  # starts the embedded cluster, refuses an un-migrated database
    from werkzeug.serving import run_simple

    from geocoop.web import create_app

    app = create_app(settings=current)
    click.echo(f"geocoop : carte sur http://{host}:{port}/  (Ctrl-C pour arrêter)")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@command("demo")
@click.option("--host", default=None, help="Adresse d'écoute (défaut 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (défaut 8000).")
@click.pass_context
def demo(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Démarre la base, charge les données fournies, sert la carte / one-command demo."""
    from geocoop.db import upgrade
    from geocoop.orchestration import load_bundled

    current = settings()
    _check_port_free(host or current.host, port or current.port)
    target = engine(migrated=False)
    upgrade(target)
    for line in load_bundled(target, current.bundled_data_dir):
        click.echo(line)
    ctx.invoke(serve, host=host, port=port)
