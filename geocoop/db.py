"""Engine and connection wiring, migrations, and the link to the embedded cluster.

Only the edges (CLI, app factory, tests) call `engine_for`; core functions receive a
Connection or Session.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from psycopg import sql
from sqlalchemy import Connection, Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from geocoop.config import Settings
from geocoop.embedded import EmbeddedCluster
from geocoop.errors import ConfigurationError, DatabaseUnavailable, NotMigrated
from geocoop.sql import statement

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def embedded_cluster(settings: Settings) -> EmbeddedCluster:
    """The private cluster described by `settings` (not started)."""
    return EmbeddedCluster(settings.data_dir, settings.db_name)


def resolve_url(settings: Settings, *, start: bool = True) -> str:
    """The database URL: GEOCOOP_DATABASE_URL, or the embedded cluster (started if asked)."""
    if settings.database_url:
        url = settings.database_url
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    cluster = embedded_cluster(settings)
    if start:
        cluster.start()
    return cluster.url()


def make_engine(
    url: str, settings: Settings | None = None, *, idle_in_transaction_ms: int = 0
) -> Engine:
    """An engine with a bounded pool, liveness checks and a statement timeout.

    With
    `idle_in_transaction_ms`, sessions idle inside a transaction longer are ended.
    """
    settings = settings or Settings()
    options = f"-c statement_timeout={int(settings.statement_timeout_ms)}"
    if idle_in_transaction_ms:
        options += f" -c idle_in_transaction_session_timeout={int(idle_in_transaction_ms)}"
    try:
        make_url(url)
    except Exception:
        raise ConfigurationError("GEOCOOP_DATABASE_URL n'est pas une URL de base valide.") from None
    return create_engine(
        url,
        pool_size=settings.pool_size,
        max_overflow=settings.pool_size,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args={
            "connect_timeout": 5,
            "options": options,
            "application_name": "geocoop",
        },
    )


def set_local(conn: Connection, name: str, value: str) -> None:
    """Set a server setting for the rest of the current transaction.

    A server setting (`statement_timeout`, `work_mem`…) for the rest of the
    connection's current transaction only (`SET LOCAL`, with the value bound).
    """
    conn.execute(select(func.set_config(name, value, True)))


def current_setting(conn: Connection, name: str) -> str:
    """The value of a server setting now (to restore it after a `set_local`)."""
    return str(conn.execute(select(func.current_setting(name))).scalar_one())


def set_local_statement_timeout(conn: Connection, milliseconds: int) -> None:
    """`statement_timeout` for the rest of the connection's current transaction only."""
    set_local(conn, "statement_timeout", str(int(milliseconds)))


def engine_for(settings: Settings, *, start: bool = True) -> Engine:
    """Engine for the configured database, checking it answers."""
    engine = make_engine(resolve_url(settings, start=start), settings)
    check_reachable(engine)
    return engine


def check_reachable(engine: Engine) -> None:
    """Raise DatabaseUnavailable with a one-line reason when the server does not answer."""
    try:
        with engine.connect() as conn:
            conn.execute(select(1))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "connexion refusée"
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"Base injoignable ({where}) : {reason}") from None


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic configuration pointing at geocoop's packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision`, then vacuum the tables they rewrote."""
    before = current_revision(engine)
    command.upgrade(alembic_config(engine), revision)
    if current_revision(engine) != before:
        vacuum_rewritten(engine)


def vacuum_rewritten(engine: Engine) -> list[str]:
    """VACUUM (ANALYZE) the large tables whose visibility map is mostly unset; their names.

    A migration that rewrites a table (0024's stored column on `territory`) leaves its
    visibility map empty, and autovacuum does not count a rewrite as changes: until a
    vacuum, every count and index-only scan reads the whole heap (65 MB of communes for
    each `/healthz`). VACUUM cannot run inside a transaction: its own session, no timeout.
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        tables = [tuple(row) for row in conn.execute(statement("tables_to_vacuum"))]
        conn.execute(text("SET statement_timeout = 0"))
        try:
            for schema, name in tables:  # identifiers quoted by psycopg, never formatted
                vacuum = sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(schema, name))
                conn.execute(text(vacuum.as_string(None)))
        finally:
            conn.execute(text("RESET statement_timeout"))
    return [name for _schema, name in tables]


@functools.cache  # the scripts do not change under a running process (30 ms to read)
def head_revision() -> str:
    """The newest migration revision shipped with the code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration revision the database is at (None when never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_migrated(engine: Engine) -> None:
    """Refuse to serve a database whose schema is behind the code."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise NotMigrated(
            f"La base est à la migration {current or 'aucune'}, le code attend {head} : "
            "lancez `geocoop db upgrade`."
        )
