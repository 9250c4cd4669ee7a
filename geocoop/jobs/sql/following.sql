-- The queued jobs after :id, oldest first: the writer batches the upload imports among
-- them that follow each other (geocoop.jobs.runner).
SELECT id, operation, path, options
FROM job
WHERE status = 'queued' AND id > :id
ORDER BY id
LIMIT :limit
