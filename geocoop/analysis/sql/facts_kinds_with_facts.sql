-- Those of :kinds with stored per-commune facts (the others had no data to answer from).
SELECT k
FROM unnest(CAST(:kinds AS text[])) AS k
WHERE EXISTS (SELECT 1 FROM analysis_commune_kind a WHERE a.kind_code = k)
