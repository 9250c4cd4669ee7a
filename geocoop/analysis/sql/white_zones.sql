-- White zones ranked by population. The members CTE yields (commune_code, zone_id,
-- nearest_edge_m): the stored zones (rule "any") or zones clustered live for another rule.
-- With a parent, members outside it are dropped (zones clipped to the parent).
WITH m AS (
  {members}
), mm AS (
  SELECT m.zone_id, m.commune_code, m.nearest_edge_m, t.departement_code, t.epci_code,
         COALESCE(t.population, 0) AS pop,
         COALESCE(t.area_km2, ST_Area(t.geom::geography) / 1e6) AS area
  FROM m
  JOIN territory t ON t.level = 'commune' AND t.code = m.commune_code
  WHERE CAST(:parent_level AS text) IS NULL
     OR (CAST(:parent_level AS text) = 'epci' AND t.epci_code = CAST(:parent_code AS text))
     OR (CAST(:parent_level AS text) = 'departement' AND t.departement_code = CAST(:parent_code AS text))
     OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text))
     OR (CAST(:parent_level AS text) = 'commune' AND t.code = CAST(:parent_code AS text))
), z AS (
  SELECT zone_id,
         array_agg(commune_code ORDER BY commune_code) AS communes,
         count(*) AS communes_count,
         sum(pop)::bigint AS population,
         sum(area) AS area_km2,
         array_agg(DISTINCT departement_code) FILTER (WHERE departement_code IS NOT NULL)
           AS departements,
         array_agg(DISTINCT epci_code) FILTER (WHERE epci_code IS NOT NULL) AS epci,
         min(nearest_edge_m) AS nearest_m
  FROM mm
  GROUP BY zone_id
  ORDER BY sum(pop) DESC, zone_id
  LIMIT :limit
)
SELECT z.*,
       -- dissolved outline: the simplified communes are an exact coverage, so the
       -- edge-matching union of migration 0007 is exact (and falls back on ST_Union)
       CASE WHEN CAST(:with_geometry AS boolean) THEN (
         SELECT ST_AsGeoJSON(
                  geocoop_coverage_union(array_agg(COALESCE(t.geom_simplified, t.geom))), 5)
         FROM territory t
         WHERE t.level = 'commune' AND t.code = ANY (z.communes)) END AS geometry
FROM z
ORDER BY z.population DESC, z.zone_id;
