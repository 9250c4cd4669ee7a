-- Called by the holder of the writer lock: no one else can be running a job, so every
-- row still marked running was left by a worker that died. Queue it again, or give up
-- after :max_attempts tries (a file that kills its worker must not kill them all).
UPDATE job
SET status = CASE WHEN attempts >= :max_attempts THEN 'failed' ELSE 'queued' END,
    stage = NULL,
    worker = NULL,
    error = CASE WHEN attempts >= :max_attempts THEN jsonb_build_object(
        'status', 500, 'title', 'Erreur interne',
        'detail', 'L''import a interrompu son processus à chaque essai ; abandonné.') END,
    finished_at = CASE WHEN attempts >= :max_attempts THEN now() END
WHERE status = 'running'
RETURNING id, status, path
