"""Organisations and their members: who may propose, edit, moderate (docs/contributing-data.md).

A member's scope is a set of kinds and, optionally, of territories written "level:code";
`parse_territory` accepts the short forms a network head types (`35`, `243500139`,
`35238`, `region:53`). Each member gets a token (geocoop.auth) printed once.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, insert, select

from geocoop.auth import create_token
from geocoop.errors import BadRequest, NotFound
from geocoop.models import LEVELS, ROLES, Kind, Member, Organisation

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_CODE = re.compile(r"^[0-9AB]{2,9}$")  # INSEE / SIREN codes, Corsica's 2A / 2B
MAX_NAME = 200


def _name(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > MAX_NAME or any(ord(c) < 32 for c in value):
        raise BadRequest(f"{what} invalide : 1 à {MAX_NAME} caractères, sans contrôle.")
    return value


def parse_territory(value: str) -> str:
    """A member's territory written as `level:code`.

    '35' → 'departement:35', '243500139' → 'epci:243500139', '35238' →
    'commune:35238', 'region:53' kept; a région must be written with its level.
    """
    value = (value or "").strip().upper()
    level, _, code = value.rpartition(":")
    level = level.lower()
    if not level:
        level = {5: "commune", 9: "epci"}.get(len(code), "departement")
    if level not in LEVELS or not _CODE.match(code):
        raise BadRequest(
            f"territoire invalide : « {value} » (ex. 35, 2A, 243500139, 35238, region:53)."
        )
    return f"{level}:{code}"


def create_organisation(conn: Connection, slug: str, name: str) -> int:
    """Create an organisation (`slug`: lower-case letters, digits, - and _); its id."""
    if not _SLUG.match(slug or ""):
        raise BadRequest(f"identifiant d'organisation invalide : « {slug} » (a-z, 0-9, -, _).")
    if conn.execute(select(Organisation.id).where(Organisation.slug == slug)).first():
        raise BadRequest(f"l'organisation « {slug} » existe déjà.")
    return conn.execute(
        insert(Organisation).values(slug=slug, name=_name(name, "nom")).returning(Organisation.id)
    ).scalar_one()


def add_member(
    conn: Connection,
    organisation: str,
    name: str,
    role: str,
    kinds: list[str] | None = None,
    territories: list[str] | None = None,
) -> tuple[int, str]:
    """Add a member to the organisation `organisation` (slug); return (id, token).

    Editors and moderators need kinds (their scope); an admin has no scope.
    """
    org_id = conn.execute(
        select(Organisation.id).where(Organisation.slug == organisation)
    ).scalar_one_or_none()
    if org_id is None:
        raise NotFound(f"organisation inconnue : « {organisation} ».")
    if role not in ROLES:
        raise BadRequest(f"rôle inconnu : « {role} » ({', '.join(ROLES)}).")
    name = _name(name, "nom de membre")
    if kinds:
        known = set(conn.execute(select(Kind.code)).scalars())
        unknown = sorted(set(kinds) - known)
        if unknown:
            raise BadRequest(f"type(s) inconnu(s) : {', '.join(unknown)}.")
    elif role in ("editor", "moderator"):
        raise BadRequest(f"un rôle {role} doit recevoir ses types (--kinds).")
    if role == "admin":
        kinds, territories = None, None
    places = sorted({parse_territory(t) for t in territories}) if territories else None
    exists = conn.execute(
        select(Member.id).where(Member.organisation_id == org_id, Member.name == name)
    ).first()
    if exists:
        raise BadRequest(f"« {name} » est déjà membre de « {organisation} ».")
    member_id = conn.execute(
        insert(Member)
        .values(
            organisation_id=org_id,
            name=name,
            role=role,
            kinds=sorted(set(kinds)) if kinds else None,
            territories=places,
        )
        .returning(Member.id)
    ).scalar_one()
    return member_id, create_token(conn, f"{organisation}/{name}", member_id=member_id)


def list_members(conn: Connection, organisation: str | None = None) -> list[dict]:
    """Members with their organisation, role and scope (never a token)."""
    query = (
        select(
            Organisation.slug.label("organisation"),
            Member.name,
            Member.role,
            Member.kinds,
            Member.territories,
            Member.disabled_at,
        )
        .join(Organisation, Organisation.id == Member.organisation_id)
        .order_by(Organisation.slug, Member.name)
    )
    if organisation:
        query = query.where(Organisation.slug == organisation)
    return [dict(r._mapping) for r in conn.execute(query)]
