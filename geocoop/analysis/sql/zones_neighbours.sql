-- Stored white zones of :kind adjacent to any of :communes.
SELECT DISTINCT s.zone_id
FROM analysis_adjacency j
JOIN analysis_commune_kind s ON s.kind_code = :kind AND s.commune_code = j.b
WHERE j.a = ANY (CAST(:communes AS text[])) AND s.zone_id IS NOT NULL;
