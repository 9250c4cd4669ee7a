-- The published data version: the data version stamped on the collections' summaries by
-- the last committed write (features/summary.py, in the writer's transaction). Unlike the
-- sequence (bumped before commit, and the replay position on a standby), it changes only
-- when a write commits and is the same number on the primary and on every standby that
-- replayed it: the version put in the map's tile URLs, cached `immutable` by a CDN.
SELECT coalesce(max(data_version), 0) AS version
FROM collection_summary
