-- Are the stored figures missing or older than the data? (no full refresh yet, no stored
-- figure, or a cooperation or territory changed since the last full refresh)
WITH last AS (SELECT max(finished_at) AS at FROM analysis_run WHERE scope = 'full')
SELECT (SELECT at FROM last) IS NULL
    OR NOT EXISTS (SELECT 1 FROM analysis_commune_kind)
    OR EXISTS (SELECT 1 FROM cooperation WHERE updated_at > (SELECT at FROM last))
    OR EXISTS (SELECT 1 FROM territory WHERE updated_at > (SELECT at FROM last))
