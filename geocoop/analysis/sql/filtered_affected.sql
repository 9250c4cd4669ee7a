-- Communes in scope whose stored figures for :kind rest on a cooperation that the filters
-- exclude, with whether their stored nearest point was within the service distance (their nearest point, or their best perimeter match). analysis_pts and
-- analysis_perims hold the cooperations that pass (load_kind.sql). Every other commune
-- keeps its stored figures: its nearest point and best perimeter pass, so they are also
-- the nearest and best among the cooperations that pass.
SELECT s.commune_code, s.covered_distance
FROM analysis_commune_kind s
JOIN territory t ON t.level = 'commune' AND t.code = s.commune_code
WHERE s.kind_code = :kind
  AND (CAST(:parent_level AS text) IS NULL
       OR (CAST(:parent_level AS text) = 'commune' AND t.code = CAST(:parent_code AS text))
       OR (CAST(:parent_level AS text) = 'epci' AND t.epci_code = CAST(:parent_code AS text))
       OR (CAST(:parent_level AS text) = 'departement' AND t.departement_code = CAST(:parent_code AS text))
       OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text)))
  AND ((s.nearest_cooperation_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM analysis_pts p WHERE p.id = s.nearest_cooperation_id))
    OR (s.perimeter_cooperation_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM analysis_perims q WHERE q.id = s.perimeter_cooperation_id)))
ORDER BY s.commune_code;
