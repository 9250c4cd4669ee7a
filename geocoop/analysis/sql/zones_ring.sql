-- Uncovered communes of zone :zone (kind :kind) adjacent to any of :communes.
SELECT DISTINCT j.b
FROM analysis_adjacency j
JOIN analysis_commune_kind s
  ON s.kind_code = :kind AND s.commune_code = j.b AND s.zone_id = :zone
WHERE j.a = ANY (CAST(:communes AS text[]));
