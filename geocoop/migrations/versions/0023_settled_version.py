"""Readers know when the data version counts a write not yet committed.

Revision ID: 0023
Revises: 0022

The data version (migrations 0005, 0021) is a sequence: a writer bumps it before its commit
(at each statement, or once when it publishes, just before committing). A reader that read
the new number in between still saw the old rows, and cached its answer (and sent an
`ETag`) under the new number: the old answer was then served as current until the next
write — after an upload storm, possibly for hours.

Now every bump first takes a transaction-level *shared* advisory lock (released with the
commit, after the rows are visible), and readers read the version with
`geocoop_data_version()`: the number, then whether no writer holds that lock (a try of
the exclusive lock, released at once). While one does, the version is "unsettled": its
answers are neither cached nor given an `ETag` (features/version.py, web/http.py). A
writer's own reads are settled (its own lock never conflicts). On a streaming standby the
version is the replay position, which the commit record moves again: always settled.
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# (class, object) of the advisory lock held by a writer between its bump and its commit
_LOCK = "7146021, 23"

_BUMP_0021 = """
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
_PUBLISH_0021 = """
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


def upgrade() -> None:
    """Bumps take the writers' lock; `geocoop_data_version()` reads number and state."""
    op.execute(
        _BUMP_0021.replace(
            "        PERFORM nextval('geocoop_data_version');",
            f"        PERFORM pg_advisory_xact_lock_shared({_LOCK});\n"
            "        PERFORM nextval('geocoop_data_version');",
        )
    )
    op.execute(
        _PUBLISH_0021.replace(
            "    PERFORM nextval('geocoop_data_version');",
            f"    PERFORM pg_advisory_xact_lock_shared({_LOCK});\n"
            "    PERFORM nextval('geocoop_data_version');",
        )
    )
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION geocoop_data_version(OUT version bigint, OUT settled boolean)
        LANGUAGE plpgsql AS $$
        BEGIN
            IF pg_is_in_recovery() THEN
                version := (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint;
                settled := true;
                RETURN;
            END IF;
            -- the number first, then the lock: a writer that bumped before this read and
            -- has not committed yet still holds the lock below
            SELECT last_value + (CASE WHEN is_called THEN 1 ELSE 0 END)
              INTO version FROM geocoop_data_version;
            settled := pg_try_advisory_lock({_LOCK});
            IF settled THEN
                PERFORM pg_advisory_unlock({_LOCK});
            END IF;
        END $$
        """
    )


def downgrade() -> None:
    """Undo upgrade(): the functions of migration 0021, no reader function."""
    op.execute("DROP FUNCTION IF EXISTS geocoop_data_version()")
    op.execute(_PUBLISH_0021)
    op.execute(_BUMP_0021)
