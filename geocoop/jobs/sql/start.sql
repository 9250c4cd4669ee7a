-- A job of a batch starts its import now (the batch claimed it earlier).
UPDATE job SET started_at = now(), heartbeat_at = now(), stage = 'import'
WHERE id = :id AND status = 'running'
