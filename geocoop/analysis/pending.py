"""Kinds whose figures are being recomputed: between an import's commit and its refresh's.

An import commits its rows with the kinds it touched marked here; the refresh of those
kinds runs afterwards in its own transaction and clears them. Meanwhile every figure of a
marked kind says « en cours de recalcul » / "being recomputed" (`data_status`), so a
figure older than the rows on screen is never shown as current.
"""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.sql import statement


def mark_pending(conn: Connection, kinds: list[str]) -> None:
    """Mark `kinds` as being recomputed (in the transaction that changes their rows)."""
    if kinds:
        conn.execute(statement("analysis/pending_mark"), {"kinds": list(kinds)})


def clear_pending(conn: Connection, kinds: list[str] | None = None) -> None:
    """`kinds` (None: every kind) have fresh figures again (in the refresh's transaction)."""
    conn.execute(
        statement("analysis/pending_clear"), {"kinds": None if kinds is None else list(kinds)}
    )


def pending_kinds(conn: Connection) -> dict[str, object]:
    """Kinds being recomputed → since when."""
    return {r.kind_code: r.since for r in conn.execute(statement("analysis/pending_list"))}


def mark_profiles_pending(conn: Connection, kinds: list[str]) -> None:
    """Mark the per-profile facts of `kinds` as being recomputed (their own figures fresh)."""
    if kinds:
        conn.execute(statement("analysis/profile_pending_mark"), {"kinds": list(kinds)})


def clear_profiles_pending(conn: Connection, kinds: list[str] | None = None) -> None:
    """The per-profile facts of `kinds` (None: every kind) are fresh again."""
    conn.execute(
        statement("analysis/profile_pending_clear"),
        {"kinds": None if kinds is None else list(kinds)},
    )


def profiles_pending(conn: Connection) -> dict[str, object]:
    """Kinds whose per-profile facts are being recomputed → since when."""
    return {r.kind_code: r.since for r in conn.execute(statement("analysis/profile_pending_list"))}
