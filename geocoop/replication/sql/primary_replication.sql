-- The primary's side of streaming replication (`geocoop db replica status`): every WAL
-- sender with its positions and lags, and every replication slot with the WAL it retains.
SELECT
    'sender' AS what,
    coalesce(application_name, '') AS name,
    state,
    sent_lsn::text AS sent_lsn,
    replay_lsn::text AS replay_lsn,
    extract(epoch FROM replay_lag)::float8 AS replay_lag_s,
    (pg_current_wal_lsn() - replay_lsn)::bigint AS behind_bytes,
    NULL::boolean AS active
FROM pg_stat_replication
UNION ALL
SELECT
    'slot',
    slot_name,
    wal_status,
    NULL,
    restart_lsn::text,
    NULL,
    (pg_current_wal_lsn() - restart_lsn)::bigint,
    active
FROM pg_replication_slots
ORDER BY 1, 2
