-- EPCI in which no cooperation of :kind is located, with their distance to the nearest one
-- (smallest stored commune distance; NULL before the first `geocoop analyze`).
SELECT e.code, e.name, e.departement_code,
       COALESCE(e.population, sum(COALESCE(t.population, 0)))::bigint AS population,
       count(t.code) AS communes_total,
       min(s.nearest_edge_m) AS nearest_distance_m
FROM territory e
JOIN territory t ON t.level = 'commune' AND t.epci_code = e.code
LEFT JOIN analysis_commune_kind s ON s.kind_code = :kind AND s.commune_code = t.code
WHERE e.level = 'epci'
  AND (CAST(:parent_level AS text) IS NULL
       OR (CAST(:parent_level AS text) = 'departement'
           AND t.departement_code = CAST(:parent_code AS text))
       OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text))
       OR (CAST(:parent_level AS text) = 'epci' AND t.epci_code = CAST(:parent_code AS text)))
  AND NOT EXISTS (
    SELECT 1 FROM cooperation c
    JOIN territory tc ON tc.level = 'commune' AND tc.code = c.commune_code
    WHERE c.kind_code = :kind AND tc.epci_code = e.code)
GROUP BY e.code, e.name, e.departement_code, e.population
ORDER BY population DESC, e.code;
