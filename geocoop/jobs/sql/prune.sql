-- Job retention: finished jobs (done or failed) older than :days days are deleted, with
-- their reports; queued and running jobs are never touched. Their upload folders were
-- removed when they ended; the paths come back so that any leftover can go too.
DELETE FROM job
WHERE status IN ('done', 'failed')
  AND finished_at < now() - make_interval(days => :days)
RETURNING id, path
