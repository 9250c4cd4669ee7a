-- Are the stored figures missing or older than the data? (no full refresh yet, no stored
-- figure, a cooperation or territory changed since the last full refresh, or a kind left
-- « being recomputed »: an import that stopped before its refresh, or zones stored before
-- migration 0019 without their names)
WITH last AS (SELECT max(finished_at) AS at FROM analysis_run WHERE scope = 'full')
SELECT (SELECT at FROM last) IS NULL
    OR NOT EXISTS (SELECT 1 FROM analysis_commune_kind)
    OR EXISTS (SELECT 1 FROM cooperation WHERE updated_at > (SELECT at FROM last))
    OR EXISTS (SELECT 1 FROM territory WHERE updated_at > (SELECT at FROM last))
    OR EXISTS (SELECT 1 FROM analysis_pending)
