-- Adjacent pairs (a < b) of uncovered communes of :kind in {table}, optionally both in
-- :communes.
WITH u AS (
  SELECT s.commune_code
  FROM {table} s
  WHERE s.kind_code = :kind AND NOT (s.covered_distance OR s.covered_perimeter)
    AND (CAST(:communes AS text[]) IS NULL
         OR s.commune_code IN (SELECT unnest(CAST(:communes AS text[]))))
)
SELECT j.a, j.b
FROM analysis_adjacency j
JOIN u ua ON ua.commune_code = j.a
JOIN u ub ON ub.commune_code = j.b
WHERE j.a < j.b;
