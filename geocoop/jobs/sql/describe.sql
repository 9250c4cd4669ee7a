-- One job, with the number of unfinished jobs ahead of it in the queue.
SELECT j.id, j.operation, j.status, j.stage, j.actor, j.file_name, j.options, j.report,
       j.error, j.attempts, j.created_at, j.started_at, j.heartbeat_at, j.finished_at,
       CASE WHEN j.status = 'queued' THEN (
           SELECT count(*) FROM job ahead
           WHERE ahead.status IN ('queued', 'running') AND ahead.id < j.id
       ) END AS ahead
FROM job j
WHERE j.id = :id
