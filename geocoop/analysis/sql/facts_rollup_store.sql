-- Stored roll-up of one kind set (:key, the kinds :kinds) from analysis_commune_kind:
-- every EPCI, département, région and France, alone (parent '') and inside each enclosing
-- parent (EPCI × département, EPCI × région, département × région: the part of the
-- territory inside that parent), under the three rules. The same figures as rollup.sql
-- on the stored source (areas summed as numeric: exact, whatever the order).
-- With :communes (an incremental refresh changed those communes' facts, nothing else),
-- only the territories holding them: their EPCI, départements and régions, alone and
-- inside each enclosing parent, over all their member communes, and France over every
-- commune; the other territories' rows are left as they are (facts_rollup_delete_scoped.sql
-- removed the same keys first). NULL: every territory.
WITH touched AS (
  SELECT t.epci_code, t.departement_code, t.region_code
  FROM territory t
  WHERE t.level = 'commune' AND t.code = ANY (CAST(:communes AS text[]))
), cc AS (
  SELECT s.commune_code,
         bool_or(s.covered_distance) AS cd,
         bool_or(s.covered_perimeter) AS cp,
         bool_or(s.covered_distance OR s.covered_perimeter) AS ca,
         min(s.nearest_edge_m) AS nearest_m
  FROM analysis_commune_kind s
  WHERE s.kind_code = ANY (CAST(:kinds AS text[]))
  GROUP BY s.commune_code
), com AS (
  SELECT t.epci_code, t.departement_code, t.region_code,
         COALESCE(t.population, 0)::bigint AS pop,
         COALESCE(t.area_km2, ST_Area(t.geom::geography) / 1e6)::numeric AS area,
         COALESCE(cc.cd, false) AS cd, COALESCE(cc.cp, false) AS cp,
         COALESCE(cc.ca, false) AS ca, cc.nearest_m
  FROM territory t
  LEFT JOIN cc ON cc.commune_code = t.code
  WHERE t.level = 'commune' AND t.geom IS NOT NULL
), near AS (
  SELECT com.* FROM com
  WHERE CAST(:communes AS text[]) IS NULL
     OR com.epci_code IN (SELECT epci_code FROM touched)
     OR com.departement_code IN (SELECT departement_code FROM touched)
     OR com.region_code IN (SELECT region_code FROM touched)
), g AS (
  SELECT grouping(epci_code) AS ge, grouping(departement_code) AS gd,
         grouping(region_code) AS gr,
         epci_code, departement_code, region_code,
         count(*) AS n, sum(pop) AS pop, sum(area) AS area, min(nearest_m) AS nearest_m,
         count(*) FILTER (WHERE cd) AS n_d, COALESCE(sum(pop) FILTER (WHERE cd), 0) AS pop_d,
         COALESCE(sum(area) FILTER (WHERE cd), 0) AS area_d,
         count(*) FILTER (WHERE cp) AS n_p, COALESCE(sum(pop) FILTER (WHERE cp), 0) AS pop_p,
         COALESCE(sum(area) FILTER (WHERE cp), 0) AS area_p,
         count(*) FILTER (WHERE ca) AS n_a, COALESCE(sum(pop) FILTER (WHERE ca), 0) AS pop_a,
         COALESCE(sum(area) FILTER (WHERE ca), 0) AS area_a
  FROM near
  GROUP BY GROUPING SETS ((epci_code), (departement_code), (region_code),
                          (departement_code, epci_code), (region_code, epci_code),
                          (region_code, departement_code))
  UNION ALL
  SELECT 1, 1, 1, NULL, NULL, NULL,
         count(*) AS n, sum(pop) AS pop, sum(area) AS area, min(nearest_m) AS nearest_m,
         count(*) FILTER (WHERE cd) AS n_d, COALESCE(sum(pop) FILTER (WHERE cd), 0) AS pop_d,
         COALESCE(sum(area) FILTER (WHERE cd), 0) AS area_d,
         count(*) FILTER (WHERE cp) AS n_p, COALESCE(sum(pop) FILTER (WHERE cp), 0) AS pop_p,
         COALESCE(sum(area) FILTER (WHERE cp), 0) AS area_p,
         count(*) FILTER (WHERE ca) AS n_a, COALESCE(sum(pop) FILTER (WHERE ca), 0) AS pop_a,
         COALESCE(sum(area) FILTER (WHERE ca), 0) AS area_a
  FROM com
), labelled AS (  -- the territory each grouping-sets row describes (rollup_labels.sql)
  SELECT g.*,
         {labels}
  FROM g
)
INSERT INTO analysis_rollup (kinds, rule, parent_level, parent_code, level, code,
  communes_total, communes_covered, population, population_covered, area_km2,
  area_covered_km2, nearest_m)
SELECT CAST(:key AS text), r.rule, l.parent_level, l.parent_code, l.level, l.code,
       l.n, r.n, l.pop, r.pop, l.area::float, r.area::float, l.nearest_m
FROM labelled l
CROSS JOIN LATERAL (VALUES ('distance', l.n_d, l.pop_d, l.area_d),
                           ('perimeter', l.n_p, l.pop_p, l.area_p),
                           ('any', l.n_a, l.pop_a, l.area_a)) AS r(rule, n, pop, area)
WHERE l.code IS NOT NULL AND l.parent_code IS NOT NULL
  AND (CAST(:communes AS text[]) IS NULL OR l.level = 'france'
       OR (l.level = 'epci' AND l.code IN (SELECT epci_code FROM touched))
       OR (l.level = 'departement' AND l.code IN (SELECT departement_code FROM touched))
       OR (l.level = 'region' AND l.code IN (SELECT region_code FROM touched)));
