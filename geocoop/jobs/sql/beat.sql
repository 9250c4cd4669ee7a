-- A sign of life of the running job (and its current stage, when given).
UPDATE job SET heartbeat_at = now(), stage = coalesce(:stage, stage)
WHERE id = :id AND status = 'running'
