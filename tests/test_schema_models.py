"""The typed models (geocoop/models.py) describe exactly the schema the migrations build."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from geocoop.models import Base
from tests.conftest import SEEDED_TABLES, data_tables


def include_object(obj, name, type_, reflected, compare_to):
    """Leave PostGIS's own tables (spatial_ref_sys…) out, as migrations/env.py does."""
    return not (type_ == "table" and reflected and compare_to is None)


def test_models_match_the_migrated_schema(db_engine):
    with db_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_truncation_covers_every_table_but_the_seeded_ones(db_engine):
    with db_engine.connect() as connection:
        in_database = set(
            connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename NOT IN ('alembic_version', 'spatial_ref_sys')"
                )
            ).scalars()
        )
    assert set(data_tables()) == in_database - set(SEEDED_TABLES)
    assert "analysis_commune_kind" in data_tables()
