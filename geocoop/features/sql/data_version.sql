-- The data version caches and ETags are keyed on (features/version.py), and whether it is
-- settled: no writer that bumped it is still to commit (migration 0023).
-- On the primary: the geocoop_data_version sequence, bumped by every write of served data.
-- On a streaming standby the sequence cannot be trusted: nextval() WAL-logs only every 32
-- values, so the standby would see the same number while replaying new data. There the
-- version is the replay position (bytes of WAL replayed): it changes with every replayed
-- write, so a cache on a standby never serves data newer or older than the standby holds.
-- The two numbers are not comparable: the web keeps one cache per database (web/database.py).
SELECT version, settled FROM geocoop_data_version()
