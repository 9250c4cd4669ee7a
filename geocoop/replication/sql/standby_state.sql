-- What a read replica says about itself (geocoop.replication.probe): is it a standby, how
-- far its replay is behind, and where it is in the WAL. Lag: 0 when everything received is
-- replayed and the WAL receiver is up (nothing to wait for); otherwise the age of the last
-- replayed commit (replay paused, falling behind, or cut off from the primary).
SELECT
    pg_is_in_recovery() AS in_recovery,
    EXISTS (SELECT 1 FROM pg_stat_wal_receiver) AS receiving,
    pg_last_wal_replay_lsn()::text AS replay_lsn,
    CASE
        WHEN NOT pg_is_in_recovery() THEN NULL
        WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
             AND pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()
            THEN 0.0
        ELSE coalesce(
            extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()),
            'Infinity'::float8)
    END::float8 AS lag_s
