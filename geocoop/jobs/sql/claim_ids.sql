-- The writer (holder of the advisory lock) takes the queued jobs :ids for one batch.
UPDATE job
SET status = 'running', stage = 'import', attempts = attempts + 1, worker = :worker,
    started_at = now(), heartbeat_at = now(), error = NULL
WHERE id = ANY(:ids) AND status = 'queued'
RETURNING id, operation, actor, file_name, path, options, attempts
