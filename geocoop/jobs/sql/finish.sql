-- The job ends: done with its report, or failed with a problem (status, title, detail).
UPDATE job
SET status = :status, stage = NULL, report = CAST(:report AS jsonb),
    error = CAST(:error AS jsonb), finished_at = now(), heartbeat_at = now()
WHERE id = :id
