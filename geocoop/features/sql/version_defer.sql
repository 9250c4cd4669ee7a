-- For the rest of this transaction, write statements on served tables only note that they
-- wrote (geocoop.version_dirty) instead of bumping the data version (migration 0021): the
-- version moves once, at version_publish.sql, just before the commit.
SELECT set_config('geocoop.defer_version', 'on', true)
