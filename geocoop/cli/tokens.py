"""`geocoop token create / revoke / list`: write tokens (stored hashed)."""

from __future__ import annotations

import click

from geocoop.cli.context import engine, group


@group()
def token() -> None:
    """Jetons d'écriture / write tokens."""


@token.command("create")
@click.argument("name")
def token_create(name: str) -> None:
    """Crée un jeton (affiché une seule fois) / create a write token."""
    from geocoop.auth import create_token

    with engine().begin() as conn:
        click.echo(create_token(conn, name))


@token.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """Révoque les jetons de ce nom / revoke tokens with this name."""
    from geocoop.auth import revoke_token

    with engine().begin() as conn:
        count = revoke_token(conn, name)
    click.echo(f"{count} jeton(s) révoqué(s).")


@token.command("list")
def token_list() -> None:
    """Liste les jetons (sans leur valeur) / list tokens."""
    from geocoop.auth import list_tokens

    with engine().connect() as conn:
        for row in list_tokens(conn):
            state = "révoqué" if row["revoked_at"] else "actif"
            click.echo(f"{row['name']}\t{row['created_at']:%Y-%m-%d}\t{state}")
