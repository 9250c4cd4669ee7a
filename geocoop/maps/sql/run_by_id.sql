-- One import with its rejects.
SELECT id, target, file_name, source, status, accepted, rejected, actor, started_at,
       finished_at, report, rejects
FROM ingest_run
WHERE id = :run_id
