-- The latest imports of one target, newest first (rejects left out: see run_by_id).
SELECT id, target, file_name, source, status, accepted, rejected, actor, started_at,
       finished_at, report
FROM ingest_run
WHERE target = :target
ORDER BY id DESC
LIMIT :limit
