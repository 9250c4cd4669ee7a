SELECT s.commune_code,
       min(s.commune_code) OVER (PARTITION BY s.zone_id) AS zone_id,
       s.nearest_edge_m, s.nearest_cooperation_id
FROM analysis_commune_kind s
WHERE s.kind_code = :kind AND s.zone_id IS NOT NULL
