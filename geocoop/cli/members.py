"""`geocoop org create / list` and `geocoop member add / list`.

Who may propose, edit and moderate (docs/contributing-data.md). `member add` prints the member's
token, once.
"""

from __future__ import annotations

import click

from geocoop.cli.context import engine, group
from geocoop.models import ROLES


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@group()
def org() -> None:
    """Organisations (réseaux, collectivités) / organisations."""


@org.command("create")
@click.argument("slug")
@click.argument("name", required=False)
def org_create(slug: str, name: str | None) -> None:
    """Crée une organisation / create an organisation (SLUG: a-z, 0-9, -, _)."""
    from geocoop.members import create_organisation

    with engine().begin() as conn:
        create_organisation(conn, slug, name or slug)
    click.echo(f"Organisation « {slug} » créée.")


@group()
def member() -> None:
    """Membres d'une organisation et leurs jetons / members and their tokens."""


@member.command("add")
@click.argument("organisation")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="rôle / role")
@click.option(
    "--kinds", multiple=True, help="types du périmètre (ptce,tzcld…) / kinds of the scope"
)
@click.option(
    "--territory",
    multiple=True,
    help="territoire du périmètre : 35, 243500139, 35238, region:53 (répétable)",
)
def member_add(
    organisation: str, name: str, role: str, kinds: tuple[str, ...], territory: tuple[str, ...]
) -> None:
    """Ajoute un membre, affiche son jeton une seule fois / add a member, print its token once."""
    from geocoop.members import add_member

    with engine().begin() as conn:
        _id, token = add_member(
            conn, organisation, name, role, _split(kinds) or None, _split(territory) or None
        )
    click.echo(token)


@member.command("list")
@click.argument("organisation", required=False)
def member_list(organisation: str | None) -> None:
    """Liste les membres, leur rôle et leur périmètre (sans jeton) / list members."""
    from geocoop.members import list_members

    with engine().connect() as conn:
        for row in list_members(conn, organisation):
            kinds = ",".join(row["kinds"] or []) or "*"
            places = ",".join(row["territories"] or []) or "*"
            state = " (désactivé)" if row["disabled_at"] else ""
            click.echo(
                f"{row['organisation']}\t{row['name']}\t{row['role']}\t{kinds}\t{places}{state}"
            )
