"""Alembic environment: runs on the engine geocoop hands over (no alembic.ini needed)."""

from alembic import context

from geocoop.models import Base

target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to):
    """Leave PostGIS's own tables (spatial_ref_sys…) out of autogenerate."""
    return not (type_ == "table" and reflected and compare_to is None)


engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection, target_metadata=target_metadata, include_object=include_object
    )
    with context.begin_transaction():
        context.run_migrations()
