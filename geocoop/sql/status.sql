-- What /healthz and `geocoop db status` report at each call: versions, the migration
-- revision (NULL before the first migration) and the imports recorded (ingest_run has no
-- data-version trigger: a failed import writes its row alone). The other counts:
-- status_counts.sql.
SELECT postgis_lib_version() AS postgis,
       current_setting('server_version') AS postgres,
       (SELECT version_num FROM alembic_version) AS revision,
       (SELECT count(*) FROM ingest_run) AS ingest_run
