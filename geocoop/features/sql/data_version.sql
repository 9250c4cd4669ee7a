-- The data version caches and ETags are keyed on (features/version.py).
-- On the primary: the geocoop_data_version sequence, bumped by every write of served data.
-- On a streaming standby the sequence cannot be trusted: nextval() WAL-logs only every 32
-- values, so the standby would see the same number while replaying new data. There the
-- version is the replay position (bytes of WAL replayed): it changes with every replayed
-- write, so a cache on a standby never serves data newer or older than the standby holds.
-- The two numbers are not comparable: the web keeps one cache per database (web/database.py).
SELECT CASE
    WHEN pg_is_in_recovery() THEN (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint
    ELSE last_value + (CASE WHEN is_called THEN 1 ELSE 0 END)
END
FROM geocoop_data_version
