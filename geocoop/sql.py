"""Named SQL statements: long PostGIS queries live in .sql files next to their Python.

`statement("analysis/coverage_by_distance")` loads `geocoop/analysis/sql/coverage_by_distance.sql`.
Always executed with bound parameters (`:name`), never formatted with user strings.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sqlalchemy import TextClause, text

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def sql_source(name: str) -> str:
    """Raw text of `<package>/<area>/sql/<file>.sql` for name `area/file`."""
    area, _, file = name.rpartition("/")
    path = PACKAGE_DIR / area / "sql" / f"{file}.sql"
    return path.read_text(encoding="utf-8")


def statement(name: str) -> TextClause:
    """The named SQL statement as a SQLAlchemy text clause (bound parameters)."""
    return text(sql_source(name))
