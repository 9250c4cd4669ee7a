-- Bump the data version now for what this deferring transaction wrote (migration 0021);
-- with :only_if_written, only when it wrote since its last publish. True when bumped.
SELECT geocoop_publish_data_version(CAST(:only_if_written AS boolean))
