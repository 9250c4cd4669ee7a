-- Coverage rolled up to :level from the stored facts, without geometry: the same rows as
-- rollup.sql on a live computation (another distance, stage/category/model filters) or
-- on the stored source (neither). Per commune × kind:
-- * kinds in :kinds_all (every cooperation of the kind passes the filters): the stored
--   facts of analysis_commune_kind;
-- * (kind, profile) pairs of :prof_kinds/:prof_ids (some of the kind's profiles pass): the
--   nearest distance is the smallest over the matching profiles, the perimeter rule holds
--   when it holds for one of them (analysis_commune_profile);
-- * kinds in neither: no cooperation passes, the commune is uncovered, no nearest.
-- Without a parent the scope is every commune: no early restriction (a hash join). With
-- one, `= ANY (ARRAY(…))` rather than `IN (…)`: under the OR an IN stays a filter over every
-- row of the kinds, the array is an index condition.
-- :live: covered by distance is `nearest <= :distance_m` (else the kind's service
-- distance), as a live computation decides; otherwise the stored flag.
WITH scope AS (
  SELECT t.code,
         CASE CAST(:level AS text)
           WHEN 'commune' THEN t.code
           WHEN 'epci' THEN t.epci_code
           WHEN 'departement' THEN t.departement_code
           WHEN 'region' THEN t.region_code
           ELSE 'FR' END AS gcode,
         COALESCE(t.population, 0)::bigint AS pop,
         COALESCE(t.area_km2, ST_Area(t.geom::geography) / 1e6)::numeric AS area
  FROM territory t
  WHERE t.level = 'commune' AND t.geom IS NOT NULL
    AND (CAST(:parent_level AS text) IS NULL
         OR (CAST(:parent_level AS text) = 'commune' AND t.code = CAST(:parent_code AS text))
         OR (CAST(:parent_level AS text) = 'epci' AND t.epci_code = CAST(:parent_code AS text))
         OR (CAST(:parent_level AS text) = 'departement' AND t.departement_code = CAST(:parent_code AS text))
         OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text)))
), f AS (
  -- one row per commune × kind (:kinds_all) or commune × kept profile, with whether it
  -- covers the commune under :rule; a commune is covered when one of its rows does, and
  -- its nearest is the smallest: over a kind's kept profiles that is the min-nearest /
  -- any-perimeter rule above, without grouping by kind first
  SELECT s.commune_code, s.nearest_edge_m AS nearest_m,
         CASE CAST(:rule AS text)
           WHEN 'perimeter' THEN s.covered_perimeter
           ELSE (CASE WHEN CAST(:live AS boolean)
                      THEN COALESCE(s.nearest_edge_m <= COALESCE(CAST(:distance_m AS float8),
                                                                 k.service_distance_m), false)
                      ELSE s.covered_distance END)
                OR (CAST(:rule AS text) = 'any' AND s.covered_perimeter) END AS covered
  FROM analysis_commune_kind s
  JOIN kind k ON k.code = s.kind_code
  WHERE s.kind_code = ANY (CAST(:kinds_all AS text[]))
    AND (CAST(:parent_level AS text) IS NULL OR s.commune_code = ANY (ARRAY(SELECT code FROM scope)))
  UNION ALL
  SELECT p.commune_code, p.nearest_edge_m,
         CASE CAST(:rule AS text)
           WHEN 'perimeter' THEN p.covered_perimeter
           ELSE COALESCE(p.nearest_edge_m <= COALESCE(CAST(:distance_m AS float8),
                                                      k.service_distance_m), false)
                OR (CAST(:rule AS text) = 'any' AND p.covered_perimeter) END
  FROM analysis_commune_profile p
  JOIN unnest(CAST(:prof_kinds AS text[]), CAST(:prof_ids AS integer[])) AS m(kind_code, profile_id)
    ON m.kind_code = p.kind_code AND m.profile_id = p.profile_id
  JOIN kind k ON k.code = p.kind_code
  WHERE (CAST(:parent_level AS text) IS NULL OR p.commune_code = ANY (ARRAY(SELECT code FROM scope)))
), cc AS (
  SELECT f.commune_code, bool_or(f.covered) AS covered, min(f.nearest_m) AS nearest_m
  FROM f
  GROUP BY f.commune_code
), coops AS (
  -- cooperations of the kinds (and filters) located in each commune
  SELECT c.commune_code, count(*) AS n
  FROM cooperation c
  JOIN kind k ON k.code = c.kind_code
  WHERE c.kind_code = ANY (CAST(:kinds AS text[]))
    AND (CAST(:parent_level AS text) IS NULL OR c.commune_code = ANY (ARRAY(SELECT code FROM scope)))
    AND c.quality -> 'probable_duplicate_of' IS NULL  -- a probable duplicate counts once
    AND (CAST(:category AS text[]) IS NULL
         OR COALESCE(c.category, k.default_category) = ANY (CAST(:category AS text[])))
    AND (CAST(:socio_economic_model AS text[]) IS NULL
         OR c.socio_economic_model = ANY (CAST(:socio_economic_model AS text[])))
    AND (CAST(:stage AS text[]) IS NULL OR c.stage = ANY (CAST(:stage AS text[])))
  GROUP BY 1
), g AS (
  SELECT scope.gcode,
         count(*) AS communes_total,
         count(*) FILTER (WHERE cc.covered) AS communes_covered,
         sum(scope.pop) AS population,
         COALESCE(sum(scope.pop) FILTER (WHERE cc.covered), 0) AS population_covered,
         sum(scope.area) AS area_km2,
         COALESCE(sum(scope.area) FILTER (WHERE cc.covered), 0) AS area_covered_km2,
         COALESCE(sum(coops.n), 0) AS cooperations,
         min(cc.nearest_m) AS nearest_m
  FROM scope
  LEFT JOIN cc ON cc.commune_code = scope.code
  LEFT JOIN coops ON coops.commune_code = scope.code
  WHERE scope.gcode IS NOT NULL
  GROUP BY scope.gcode
)
SELECT CAST(:level AS text) AS level, g.gcode AS code,
       COALESCE(tt.name, CASE WHEN CAST(:level AS text) = 'france' THEN 'France' END) AS name,
       g.population::bigint AS population, g.communes_total, g.communes_covered,
       g.population_covered::bigint AS population_covered,
       (g.population - g.population_covered)::bigint AS population_uncovered,
       g.area_km2::float AS area_km2, g.area_covered_km2::float AS area_covered_km2,
       g.cooperations::bigint AS cooperations, g.nearest_m AS nearest_distance_m
FROM g
LEFT JOIN territory tt ON tt.level = CAST(:level AS text) AND tt.code = g.gcode
ORDER BY g.gcode;
