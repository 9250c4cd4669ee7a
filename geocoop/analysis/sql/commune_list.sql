-- The communes of one territory (:level, :code) with their coverage by one kind from
-- the source placeholder (analysis_commune_kind, stored, or analysis_work, live: an
-- identifier of the allow-list geocoop.sql.TABLES, composed by geocoop.sql.composed): population, covered under :rule (at :distance_m when given, else the
-- kind's service distance), the nearest cooperation and its distance to the commune's
-- boundary (metres), the perimeter covering it. Same communes as the roll-ups (rollup.sql).
SELECT t.code, t.name, COALESCE(t.population, 0) AS population,
       s.kind_code IS NOT NULL AS computed,
       CASE CAST(:rule AS text)
         WHEN 'distance' THEN d.by_distance
         WHEN 'perimeter' THEN COALESCE(s.covered_perimeter, false)
         ELSE d.by_distance OR COALESCE(s.covered_perimeter, false) END AS covered,
       d.by_distance AS covered_by_distance,
       COALESCE(s.covered_perimeter, false) AS covered_by_perimeter,
       s.nearest_cooperation_id, cn.name AS nearest_name,
       round(s.nearest_edge_m)::bigint AS nearest_m,
       s.perimeter_cooperation_id, cp.name AS perimeter_name
FROM territory t
LEFT JOIN {source} s ON s.kind_code = :kind AND s.commune_code = t.code
CROSS JOIN LATERAL (
  SELECT COALESCE(CASE WHEN CAST(:distance_m AS float8) IS NULL THEN s.covered_distance
                       ELSE s.nearest_edge_m <= CAST(:distance_m AS float8) END,
                  false) AS by_distance
) AS d
LEFT JOIN cooperation cn ON cn.id = s.nearest_cooperation_id
LEFT JOIN cooperation cp ON cp.id = s.perimeter_cooperation_id
WHERE t.level = 'commune' AND t.geom IS NOT NULL
  AND ((CAST(:level AS text) = 'commune' AND t.code = CAST(:code AS text))
    OR (CAST(:level AS text) = 'epci' AND t.epci_code = CAST(:code AS text))
    OR (CAST(:level AS text) = 'departement' AND t.departement_code = CAST(:code AS text))
    OR (CAST(:level AS text) = 'region' AND t.region_code = CAST(:code AS text)))
ORDER BY population DESC, t.name, t.code
