-- The writer (holder of the advisory lock) takes the oldest queued job. SKIP LOCKED: a
-- job another transaction is looking at is left to it, never waited for.
UPDATE job
SET status = 'running', stage = 'import', attempts = attempts + 1, worker = :worker,
    started_at = now(), heartbeat_at = now(), error = NULL
WHERE id = (
    SELECT id FROM job
    WHERE status = 'queued'
    ORDER BY id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING id, operation, actor, file_name, path, options, attempts
