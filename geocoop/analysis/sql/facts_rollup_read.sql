-- Coverage rows of :level read from the stored roll-up of one kind set (:key): every
-- territory of the level ('' parent), or those inside :parent_level/:parent_code (their
-- part inside it). Cooperation counts are live (cheap; they follow every import).
WITH g AS (
  SELECT r.code, r.communes_total, r.communes_covered, r.population, r.population_covered,
         r.area_km2, r.area_covered_km2, r.nearest_m
  FROM analysis_rollup r
  WHERE r.kinds = CAST(:key AS text) AND r.rule = CAST(:rule AS text)
    AND r.level = CAST(:level AS text)
    AND r.parent_level = CAST(:stored_parent_level AS text)
    AND r.parent_code = CAST(:stored_parent_code AS text)
    AND (CAST(:code AS text) IS NULL OR r.code = CAST(:code AS text))
), coops AS (
  SELECT CASE CAST(:level AS text)
           WHEN 'epci' THEN t.epci_code WHEN 'departement' THEN t.departement_code
           WHEN 'region' THEN t.region_code ELSE 'FR' END AS gcode,
         count(*) AS n
  FROM cooperation c
  JOIN kind k ON k.code = c.kind_code
  JOIN territory t ON t.level = 'commune' AND t.code = c.commune_code AND t.geom IS NOT NULL
  WHERE c.kind_code = ANY (CAST(:kinds AS text[]))
    AND c.quality -> 'probable_duplicate_of' IS NULL  -- a probable duplicate counts once
    AND (CAST(:parent_level AS text) IS NULL
         OR (CAST(:parent_level AS text) = 'epci' AND t.epci_code = CAST(:parent_code AS text))
         OR (CAST(:parent_level AS text) = 'departement' AND t.departement_code = CAST(:parent_code AS text))
         OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text)))
  GROUP BY 1
)
SELECT CAST(:level AS text) AS level, g.code,
       COALESCE(tt.name, CASE WHEN CAST(:level AS text) = 'france' THEN 'France' END) AS name,
       g.population, g.communes_total, g.communes_covered, g.population_covered,
       g.population - g.population_covered AS population_uncovered,
       g.area_km2, g.area_covered_km2, COALESCE(coops.n, 0) AS cooperations,
       g.nearest_m AS nearest_distance_m
FROM g
LEFT JOIN coops ON coops.gcode = g.code
LEFT JOIN territory tt ON tt.level = CAST(:level AS text) AND tt.code = g.code
ORDER BY g.code;
