-- What /healthz and `geocoop db status` report: versions, the migration revision (NULL
-- before the first migration) and row counts of the main tables.
SELECT postgis_lib_version() AS postgis,
       current_setting('server_version') AS postgres,
       (SELECT version_num FROM alembic_version) AS revision,
       (SELECT count(*) FROM territory) AS territory,
       (SELECT count(*) FROM kind) AS kind,
       (SELECT count(*) FROM cooperation) AS cooperation,
       (SELECT count(*) FROM partnership) AS partnership,
       (SELECT count(*) FROM ingest_run) AS ingest_run
