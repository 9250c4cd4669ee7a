"""A long writer bumps the data version once, when it publishes, not at every statement.

Revision ID: 0021
Revises: 0020

The data version (migration 0005) is a sequence bumped by every write statement on a served
table. A sequence is not transactional: during an import or a refresh that runs for a
minute, every statement moved the version while readers still saw the old committed data,
so every cached answer was dropped and rebuilt, unchanged, again and again (an upload storm
made every read cold). A transaction that calls `geocoop.features.version.defer_bumps`
(the imports and refreshes of `geocoop.orchestration`) now only notes that it wrote
(`geocoop.version_dirty`); it bumps the version once with `geocoop_publish_data_version`
when it stores the collections' summaries, just before its commit, and the commit bumps it
if it wrote after that (features/version.py). Every other writer bumps at each statement,
as before.
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_BUMP_EACH_STATEMENT = """
CREATE OR REPLACE FUNCTION geocoop_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('geocoop_data_version');
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    """The bump function honours a deferring transaction; the publish function."""
    op.execute(
        """
        CREATE OR REPLACE FUNCTION geocoop_bump_data_version() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('geocoop.defer_version', true) = 'on' THEN
                PERFORM set_config('geocoop.version_dirty', 'on', true);
            ELSE
                PERFORM nextval('geocoop_data_version');
            END IF;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION geocoop_publish_data_version(only_if_written boolean)
        RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN
            IF only_if_written
               AND coalesce(current_setting('geocoop.version_dirty', true), '') <> 'on' THEN
                RETURN false;
            END IF;
            PERFORM set_config('geocoop.version_dirty', 'off', true);
            PERFORM nextval('geocoop_data_version');
            RETURN true;
        END $$
        """
    )


def downgrade() -> None:
    """Undo upgrade(): every write statement bumps the version again."""
    op.execute("DROP FUNCTION IF EXISTS geocoop_publish_data_version(boolean)")
    op.execute(_BUMP_EACH_STATEMENT)
