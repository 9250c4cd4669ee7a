-- White zones ranked by population. The members CTE yields (commune_code, zone_id,
-- nearest_edge_m, nearest_cooperation_id): the stored zones (rule "any") or zones clustered
-- live for another rule. With a parent, members outside it are dropped (zones clipped to
-- the parent). With :split, each zone is cut by département: one row per (zone,
-- département), the parent zone's whole figures kept beside the part's.
-- Each row carries what names it (its most populated commune, the départements' names) and
-- its reason: the nearest cooperation of the kind (id, name) and the edge distance to it,
-- geodesic metres (PostGIS ST_Distance on geography, stored by the coverage refresh).
WITH m AS (
  {members}
), mm AS (
  SELECT m.zone_id, m.commune_code, m.nearest_edge_m, m.nearest_cooperation_id,
         t.departement_code, t.epci_code,
         COALESCE(t.population, 0) AS pop,
         COALESCE(t.area_km2, ST_Area(t.geom::geography) / 1e6) AS area,
         CASE WHEN CAST(:split AS boolean) THEN t.departement_code END AS part
  FROM m
  JOIN territory t ON t.level = 'commune' AND t.code = m.commune_code
  WHERE CAST(:parent_level AS text) IS NULL
     OR (CAST(:parent_level AS text) = 'epci' AND t.epci_code = CAST(:parent_code AS text))
     OR (CAST(:parent_level AS text) = 'departement' AND t.departement_code = CAST(:parent_code AS text))
     OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text))
     OR (CAST(:parent_level AS text) = 'commune' AND t.code = CAST(:parent_code AS text))
), z AS (
  SELECT zone_id, part,
         array_agg(commune_code ORDER BY commune_code) AS communes,
         count(*) AS communes_count,
         sum(pop)::bigint AS population,
         sum(area) AS area_km2,
         array_agg(DISTINCT departement_code) FILTER (WHERE departement_code IS NOT NULL)
           AS departements,
         array_agg(DISTINCT epci_code) FILTER (WHERE epci_code IS NOT NULL) AS epci,
         min(nearest_edge_m) AS nearest_m,
         (array_agg(nearest_cooperation_id
                     ORDER BY nearest_edge_m NULLS LAST, nearest_cooperation_id))[1]
           AS nearest_id,
         (array_agg(commune_code ORDER BY pop DESC, commune_code))[1] AS main_commune
  FROM mm
  GROUP BY zone_id, part
  ORDER BY sum(pop) DESC, zone_id, part
  LIMIT :limit
), whole AS (
  -- the whole zone (not clipped, not split), for the zones listed only
  SELECT m.zone_id, count(*) AS communes_count,
         sum(COALESCE(t.population, 0))::bigint AS population,
         count(DISTINCT t.departement_code) AS departements_count
  FROM m
  JOIN territory t ON t.level = 'commune' AND t.code = m.commune_code
  WHERE m.zone_id IN (SELECT zone_id FROM z)
  GROUP BY m.zone_id
)
{answer}
