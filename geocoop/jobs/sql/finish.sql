-- The job ends: done with its report, or failed with a problem (status, title, detail).
-- :finished_at: when its import ended, for a job of a batch (committed with the others).
UPDATE job
SET status = :status, stage = NULL, report = CAST(:report AS jsonb),
    error = CAST(:error AS jsonb), finished_at = coalesce(CAST(:finished_at AS timestamptz), now()),
    heartbeat_at = now()
WHERE id = :id
