-- One territory's stored roll-up rows for several kind sets at once (:keys), as
-- facts_rollup_read.sql reads them one set at a time: the territory :code of :level
-- (France: 'FR'), alone (parent ''). Cooperations are counted apart
-- (facts_cooperations_by_kind.sql).
SELECT r.kinds, CAST(:level AS text) AS level, r.code,
       COALESCE(tt.name, CASE WHEN CAST(:level AS text) = 'france' THEN 'France' END) AS name,
       r.population, r.communes_total, r.communes_covered, r.population_covered,
       r.population - r.population_covered AS population_uncovered,
       r.area_km2, r.area_covered_km2, r.nearest_m AS nearest_distance_m
FROM analysis_rollup r
LEFT JOIN territory tt ON tt.level = CAST(:level AS text) AND tt.code = r.code
WHERE r.kinds = ANY (CAST(:keys AS text[])) AND r.rule = CAST(:rule AS text)
  AND r.level = CAST(:level AS text) AND r.parent_level = '' AND r.parent_code = ''
  AND r.code = CAST(:code AS text)
