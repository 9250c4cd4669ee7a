"""Write tokens: created once, shown once, stored as SHA-256, checked in constant time.

A token belongs either to an administrator (`geocoop token create`: no member) or to a
member of an organisation (`geocoop member add`), whose role and scope it carries
(`Principal`). Every write checks the principal server-side.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, select, update
from sqlalchemy.sql import func

from geocoop.models import ROLES, ApiToken, Member, Organisation

TOKEN_PREFIX = "gc_"


def token_digest(token: str) -> str:
    """SHA-256 of a token: what is stored, and what the admin session keeps instead of it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who a token speaks for: a role and, for editors and moderators, a scope.

    `kinds` / `territories` None means no limit on that axis; territories are
    "level:code" strings ("departement:35", "epci:243500139", "region:53", "commune:35238").
    """

    name: str
    role: str
    member_id: int | None = None
    organisation: str | None = None
    kinds: tuple[str, ...] | None = None
    territories: tuple[str, ...] | None = None

    def has_role(self, role: str) -> bool:
        """True when this principal's role is `role` or above (contributor < … < admin)."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def covers_kind(self, kind: str) -> bool:
        """True when `kind` is inside this principal's kinds."""
        return self.role == "admin" or self.kinds is None or kind in self.kinds

    def as_dict(self) -> dict:
        """The principal as JSON (no secret in it)."""
        return {
            "name": self.name,
            "role": self.role,
            "organisation": self.organisation,
            "kinds": list(self.kinds) if self.kinds is not None else None,
            "territories": list(self.territories) if self.territories is not None else None,
        }


def principal_for_digest(conn: Connection, digest: str | None) -> Principal | None:
    """The principal of the active token with this digest, or None.

    The principal of the active token with this digest (None: unknown, revoked, or its
    member disabled). A token without member is an administrator's.
    """
    if not digest:
        return None
    row = conn.execute(
        select(
            ApiToken.name,
            ApiToken.token_hash,
            Member.id.label("member_id"),
            Member.name.label("member_name"),
            Member.role,
            Member.kinds,
            Member.territories,
            Member.disabled_at,
            Organisation.slug,
        )
        .outerjoin(Member, Member.id == ApiToken.member_id)
        .outerjoin(Organisation, Organisation.id == Member.organisation_id)
        .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    if row.member_id is None:
        return Principal(name=row.name, role="admin")
    if row.disabled_at is not None:
        return None
    return Principal(
        name=row.member_name,
        role=row.role,
        member_id=row.member_id,
        organisation=row.slug,
        kinds=tuple(row.kinds) if row.kinds is not None else None,
        territories=tuple(row.territories) if row.territories is not None else None,
    )


def verify_principal(conn: Connection, token: str | None) -> Principal | None:
    """The principal of the active token `token`, or None."""
    if not token or len(token) > 200:
        return None
    return principal_for_digest(conn, token_digest(token))


def active_token_name(conn: Connection, digest: str | None) -> str | None:
    """Name of the active administrator token with this digest, or None.

    A member's token is not an upload or admin-page token unless the member is an admin.
    """
    principal = principal_for_digest(conn, digest)
    if principal is None or principal.role != "admin":
        return None
    return principal.name


def create_token(conn: Connection, name: str, member_id: int | None = None) -> str:
    """Create a token called `name` and return it in clear (never stored).

    Create a token called `name` (a member's when `member_id` is given, else an
    administrator's); return the clear token (never stored).
    """
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        ApiToken.__table__.insert().values(
            name=name, token_hash=token_digest(token), member_id=member_id
        )
    )
    return token


def revoke_token(conn: Connection, name: str) -> int:
    """Revoke every active token called `name`; return how many were revoked."""
    result = conn.execute(
        update(ApiToken)
        .where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    return result.rowcount


def verify_token(conn: Connection, token: str | None) -> str | None:
    """Name of the active administrator token matching `token`, or None."""
    if not token or len(token) > 200:
        return None
    return active_token_name(conn, token_digest(token))


def list_tokens(conn: Connection) -> list[dict]:
    """Every token's name and dates (never the token)."""
    rows = conn.execute(
        select(ApiToken.name, ApiToken.created_at, ApiToken.revoked_at).order_by(ApiToken.id)
    )
    return [dict(r._mapping) for r in rows]
