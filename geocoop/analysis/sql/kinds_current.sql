-- Are the stored figures of every kind of :kinds those of its cooperations as they are
-- now? True only when, for each kind: a refresh covering it is recorded (a full one, or a
-- by-kind one naming it), no cooperation of the kind was written since (updated_at, which
-- every write sets), the cooperations are the ones that refresh saw (no deletion since:
-- analysis_cooperation_state), and the kind is not waiting for a refresh (analysis_pending,
-- nor for its per-profile facts: analysis_profile_pending).
-- An import that changed no row then has nothing to recompute.
-- With :run, the rows written by that import run are set aside: were the stored figures
-- those of the cooperations just before that run? Then refreshing each written row
-- incrementally (refresh.refresh_written) brings them up to date.
WITH k AS (
  SELECT DISTINCT unnest(CAST(:kinds AS text[])) AS kind
), last AS (
  SELECT k.kind,
         (SELECT max(r.finished_at) FROM analysis_run r
          WHERE r.scope = 'full' OR (r.scope = 'kinds' AND r.report -> 'kinds' ? k.kind)) AS at
  FROM k
), other AS (
  SELECT c.id, c.kind_code, c.updated_at FROM cooperation c
  WHERE CAST(:run AS integer) IS NULL OR c.ingest_run_id IS DISTINCT FROM CAST(:run AS integer)
), state AS (
  SELECT s.cooperation_id, s.kind_code FROM analysis_cooperation_state s
  WHERE s.cooperation_id NOT IN (SELECT c.id FROM cooperation c
                                 WHERE c.ingest_run_id = CAST(:run AS integer))
)
SELECT COALESCE(bool_and(
         l.at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM analysis_pending p WHERE p.kind_code = l.kind)
         AND NOT EXISTS (SELECT 1 FROM analysis_profile_pending p WHERE p.kind_code = l.kind)
         AND NOT EXISTS (SELECT 1 FROM other c
                         WHERE c.kind_code = l.kind AND c.updated_at >= l.at)
         AND NOT EXISTS (SELECT c.id FROM other c WHERE c.kind_code = l.kind
                         EXCEPT
                         SELECT s.cooperation_id FROM state s WHERE s.kind_code = l.kind)
         AND NOT EXISTS (SELECT s.cooperation_id FROM state s WHERE s.kind_code = l.kind
                         EXCEPT
                         SELECT c.id FROM other c WHERE c.kind_code = l.kind)), false)
FROM last l;
