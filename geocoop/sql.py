"""Named SQL statements: long PostGIS queries live in .sql files next to their Python.

`statement("analysis/coverage_by_distance")` loads `geocoop/analysis/sql/coverage_by_distance.sql`.
Always executed with bound parameters (`:name`), never formatted with user strings.

A few statements read from one of two tables (stored or scratch figures) or share a CTE
body: their file holds `{placeholders}` that `composed` fills with psycopg `sql` objects —
a table identifier from the fixed `TABLES` allow-list, or another named file
(`fragment`) — never by string replacement. Literal braces in such a file are doubled.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from psycopg import sql
from sqlalchemy import TextClause, text

PACKAGE_DIR = Path(__file__).resolve().parent

# the only tables a statement may name through a placeholder: stored and scratch figures
TABLES = frozenset({"analysis_commune_kind", "analysis_work"})


@cache
def sql_source(name: str) -> str:
    """Raw text of `<package>/<area>/sql/<file>.sql` for name `area/file`."""
    area, _, file = name.rpartition("/")
    path = PACKAGE_DIR / area / "sql" / f"{file}.sql"
    return path.read_text(encoding="utf-8")


def statement(name: str) -> TextClause:
    """The named SQL statement as a SQLAlchemy text clause (bound parameters)."""
    return text(sql_source(name))


def table(name: str) -> sql.Identifier:
    """A table of the allow-list as a quoted identifier; anything else is refused."""
    if name not in TABLES:
        raise ValueError(f"not an allowed table: {name!r}")
    return sql.Identifier(name)


def fragment(name: str, /, **parts: sql.Composable) -> sql.Composable:
    """The named SQL file as a piece of another statement, its placeholders filled."""
    return sql.SQL(sql_source(name)).format(**parts)


def composed(name: str, /, **parts: sql.Composable) -> TextClause:
    """The named statement with its `{placeholders}` filled by `table` / `fragment`."""
    # as_string(None): identifiers are quoted without a connection (no server encoding
    # question: the allow-list is ASCII)
    return text(fragment(name, **parts).as_string(None))
