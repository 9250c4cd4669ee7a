-- Adjacent pairs (a < b) among the nodes of zones_nodes.sql (same parameters).
WITH u AS (
  SELECT s.commune_code
  FROM {table} s
  WHERE s.kind_code = :kind AND NOT (s.covered_distance OR s.covered_perimeter)
    AND ((CAST(:zones AS text[]) IS NULL AND CAST(:extra AS text[]) IS NULL)
         OR s.zone_id = ANY (CAST(:zones AS text[]))
         OR s.commune_code = ANY (CAST(:extra AS text[])))
)
SELECT j.a, j.b
FROM u ua
JOIN analysis_adjacency j ON j.a = ua.commune_code
JOIN u ub ON ub.commune_code = j.b
WHERE j.a < j.b;
