-- One stored zone's graph in one pass: node rows (a IS NULL, b = commune) and adjacent
-- pairs (a < b) of its uncovered members; the far end is looked up by key.
WITH m AS (
  SELECT s.commune_code
  FROM analysis_commune_kind s
  WHERE s.kind_code = :kind AND s.zone_id = :zone
    AND NOT (s.covered_distance OR s.covered_perimeter)
)
SELECT NULL AS a, m.commune_code AS b FROM m
UNION ALL
SELECT j.a, j.b
FROM m
JOIN analysis_adjacency j ON j.a = m.commune_code AND j.a < j.b
JOIN analysis_commune_kind sb
  ON sb.kind_code = :kind AND sb.commune_code = j.b AND sb.zone_id = :zone
 AND NOT (sb.covered_distance OR sb.covered_perimeter);
