-- Communes of a territory not reached by any support structure (stored coverage, appui).
SELECT count(*) AS communes, COALESCE(sum(t.population), 0) AS population
FROM territory t
LEFT JOIN analysis_commune_kind s ON s.kind_code = 'appui' AND s.commune_code = t.code
WHERE t.level = 'commune' AND t.geom IS NOT NULL
  AND NOT COALESCE(s.covered_distance OR s.covered_perimeter, false)
  AND (CAST(:level AS text) = 'france'
       OR (CAST(:level AS text) = 'commune' AND t.code = CAST(:code AS text))
       OR (CAST(:level AS text) = 'epci' AND t.epci_code = CAST(:code AS text))
       OR (CAST(:level AS text) = 'departement' AND t.departement_code = CAST(:code AS text))
       OR (CAST(:level AS text) = 'region' AND t.region_code = CAST(:code AS text)));
