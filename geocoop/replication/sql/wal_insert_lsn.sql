-- Where the primary's WAL ends now: a session that has just written must read from a
-- standby only once that standby has replayed this far (read-your-writes).
SELECT pg_current_wal_insert_lsn()::text
