-- The latest jobs, newest first, without their reports (a list, not the detail).
SELECT id, operation, status, stage, actor, file_name, attempts, created_at, started_at,
       finished_at, (report ->> 'accepted')::int AS accepted,
       (report ->> 'rejected')::int AS rejected, error ->> 'detail' AS error
FROM job
ORDER BY id DESC
LIMIT :limit
