-- For newly uncovered communes :communes of :kind: their adjacent pairs among themselves
-- (kind 'c') and the stored zones they touch (kind 'z').
SELECT 'c' AS k, j.a, j.b
FROM analysis_adjacency j
WHERE j.a = ANY (CAST(:communes AS text[])) AND j.b = ANY (CAST(:communes AS text[]))
  AND j.a < j.b
UNION
SELECT 'z', j.a, s.zone_id
FROM analysis_adjacency j
JOIN analysis_commune_kind s ON s.kind_code = :kind AND s.commune_code = j.b
WHERE j.a = ANY (CAST(:communes AS text[])) AND s.zone_id IS NOT NULL;
