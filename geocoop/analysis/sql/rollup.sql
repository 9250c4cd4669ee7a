-- Coverage rolled up from communes to :level, for a set of kinds under a rule.
-- The source placeholder is analysis_commune_kind (stored figures), analysis_work (live
-- figures) or the union of both (mixed_source.sql), composed by geocoop.sql.composed. A
-- commune is covered when any of
-- the kinds covers it; its nearest distance is the smallest over the kinds.
WITH cc AS (
  SELECT s.commune_code,
         bool_or(CASE CAST(:rule AS text)
                   WHEN 'distance' THEN s.covered_distance
                   WHEN 'perimeter' THEN s.covered_perimeter
                   ELSE s.covered_distance OR s.covered_perimeter END) AS covered,
         min(s.nearest_edge_m) AS nearest_m,
         -- filtered figures (filtered_distance.sql): a nearest point known only to lie
         -- beyond the kind's service distance
         min(s.service_distance_m) FILTER (WHERE s.nearest_center_m = -1) AS unknown_beyond_m
  FROM {source} s
  WHERE s.kind_code = ANY (CAST(:kinds AS text[]))
  GROUP BY s.commune_code
), com AS (
  SELECT t.code,
         CASE CAST(:level AS text)
           WHEN 'commune' THEN t.code
           WHEN 'epci' THEN t.epci_code
           WHEN 'departement' THEN t.departement_code
           WHEN 'region' THEN t.region_code
           ELSE 'FR' END AS gcode,
         COALESCE(t.population, 0)::bigint AS pop,
         COALESCE(t.area_km2, ST_Area(t.geom::geography) / 1e6)::numeric AS area,  -- exact sums
         COALESCE(cc.covered, false) AS covered,
         cc.nearest_m, cc.unknown_beyond_m
  FROM territory t
  LEFT JOIN cc ON cc.commune_code = t.code
  WHERE t.level = 'commune' AND t.geom IS NOT NULL
    AND (CAST(:parent_level AS text) IS NULL
         OR (CAST(:parent_level AS text) = 'commune' AND t.code = CAST(:parent_code AS text))
         OR (CAST(:parent_level AS text) = 'epci' AND t.epci_code = CAST(:parent_code AS text))
         OR (CAST(:parent_level AS text) = 'departement' AND t.departement_code = CAST(:parent_code AS text))
         OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text)))
), coops AS (
  -- cooperations of the kinds (and filters) located in each commune
  SELECT COALESCE(tc.code, c.commune_code) AS commune_code, count(*) AS n
  FROM cooperation c
  JOIN kind k ON k.code = c.kind_code
  LEFT JOIN territory tc ON tc.level = 'commune' AND tc.code = c.commune_code
  WHERE c.kind_code = ANY (CAST(:kinds AS text[]))
    AND c.quality -> 'probable_duplicate_of' IS NULL  -- a probable duplicate counts once
    AND (CAST(:category AS text[]) IS NULL
         OR COALESCE(c.category, k.default_category) = ANY (CAST(:category AS text[])))
    AND (CAST(:socio_economic_model AS text[]) IS NULL
         OR c.socio_economic_model = ANY (CAST(:socio_economic_model AS text[])))
    AND (CAST(:stage AS text[]) IS NULL OR c.stage = ANY (CAST(:stage AS text[])))
  GROUP BY 1
), g AS (
  SELECT com.gcode,
         count(*) AS communes_total,
         count(*) FILTER (WHERE com.covered) AS communes_covered,
         sum(com.pop) AS population,
         COALESCE(sum(com.pop) FILTER (WHERE com.covered), 0) AS population_covered,
         sum(com.area) AS area_km2,
         COALESCE(sum(com.area) FILTER (WHERE com.covered), 0) AS area_covered_km2,
         COALESCE(sum(coops.n), 0) AS cooperations,
         -- exact unless some commune's nearest is only known to lie beyond a distance
         -- that the known nearest exceeds
         CASE WHEN min(com.unknown_beyond_m) IS NULL
                OR min(com.nearest_m) <= min(com.unknown_beyond_m)
              THEN min(com.nearest_m) END AS nearest_m
  FROM com
  LEFT JOIN coops ON coops.commune_code = com.code
  WHERE com.gcode IS NOT NULL
  GROUP BY com.gcode
)
SELECT CAST(:level AS text) AS level, g.gcode AS code,
       COALESCE(tt.name, CASE WHEN CAST(:level AS text) = 'france' THEN 'France' END) AS name,
       g.population::bigint AS population, g.communes_total, g.communes_covered,
       g.population_covered::bigint AS population_covered,
       (g.population - g.population_covered)::bigint AS population_uncovered,
       g.area_km2::float AS area_km2, g.area_covered_km2::float AS area_covered_km2,
       g.cooperations::bigint AS cooperations,
       g.nearest_m AS nearest_distance_m
FROM g
LEFT JOIN territory tt ON tt.level = CAST(:level AS text) AND tt.code = g.gcode
ORDER BY g.gcode;
