-- (fragment of white_zones.sql) the stored zones of :kind, each labelled by its first
-- commune code. With a parent, only the zones with a commune in it (every one of their
-- members kept: the whole zone is reported beside the clipped part), found through the
-- (kind, zone) index rather than by ranking every zone of France.
SELECT s.commune_code,
       min(s.commune_code) OVER (PARTITION BY s.zone_id) AS zone_id,
       s.nearest_edge_m, s.nearest_cooperation_id
FROM analysis_commune_kind s
WHERE s.kind_code = :kind AND s.zone_id IS NOT NULL
  AND (CAST(:parent_level AS text) IS NULL
       OR s.zone_id = ANY (ARRAY(
         SELECT DISTINCT p.zone_id
         FROM analysis_commune_kind p
         JOIN territory t ON t.level = 'commune' AND t.code = p.commune_code
         WHERE p.kind_code = :kind AND p.zone_id IS NOT NULL
           AND ((CAST(:parent_level AS text) = 'epci' AND t.epci_code = CAST(:parent_code AS text))
             OR (CAST(:parent_level AS text) = 'departement'
                 AND t.departement_code = CAST(:parent_code AS text))
             OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text))
             OR (CAST(:parent_level AS text) = 'commune' AND t.code = CAST(:parent_code AS text))))))
