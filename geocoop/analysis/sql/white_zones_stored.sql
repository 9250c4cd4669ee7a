-- White zones ranked by population, read from the stored analysis (rule "any", stored
-- figures current): the parent's white communes only, grouped by their stored zone label,
-- each zone's whole figures (communes, population, départements: the same sums as
-- white_zones.sql's `whole`) read from its analysis_zone row instead of summed again over
-- every member (a zone can hold 13,000 communes and reach far beyond the parent).
-- The row is found through its id, the zone's smallest member code, whose stored label is
-- the zone's (zone_outlines_reasons.sql joins the same way); a zone without its row (an
-- outline not stored yet) falls back on the member sums, so the answer is white_zones.sql's.
-- Columns, order and parameters are white_zones.sql's.
WITH scope AS (
  -- the parent's communes, one branch per level: only the branch of :parent_level runs,
  -- on its own index, even in the generic plan of a prepared statement (a single OR of
  -- the levels there scans every commune of France)
  SELECT code, departement_code, epci_code, population, area_km2, geom FROM territory
  WHERE level = 'commune' AND CAST(:parent_level AS text) = 'region'
    AND region_code = CAST(:parent_code AS text)
  UNION ALL
  SELECT code, departement_code, epci_code, population, area_km2, geom FROM territory
  WHERE level = 'commune' AND CAST(:parent_level AS text) = 'departement'
    AND departement_code = CAST(:parent_code AS text)
  UNION ALL
  SELECT code, departement_code, epci_code, population, area_km2, geom FROM territory
  WHERE level = 'commune' AND CAST(:parent_level AS text) = 'epci'
    AND epci_code = CAST(:parent_code AS text)
  UNION ALL
  SELECT code, departement_code, epci_code, population, area_km2, geom FROM territory
  WHERE level = 'commune' AND CAST(:parent_level AS text) = 'commune'
    AND code = CAST(:parent_code AS text)
  UNION ALL
  SELECT code, departement_code, epci_code, population, area_km2, geom FROM territory
  WHERE level = 'commune' AND CAST(:parent_level AS text) IS NULL
), mm AS (
  SELECT s.zone_id AS label, s.commune_code, s.nearest_edge_m, s.nearest_cooperation_id,
         t.departement_code, t.epci_code,
         COALESCE(t.population, 0) AS pop,
         COALESCE(t.area_km2, ST_Area(t.geom::geography) / 1e6) AS area,
         CASE WHEN CAST(:split AS boolean) THEN t.departement_code END AS part
  FROM scope t
  JOIN analysis_commune_kind s ON s.kind_code = :kind AND s.commune_code = t.code
  WHERE s.zone_id IS NOT NULL
), labels AS (
  SELECT DISTINCT label FROM mm
), stored AS (
  -- each label's stored zone: the row whose id (smallest member) carries that label
  SELECT DISTINCT ON (a.zone_id)
         a.zone_id AS label, z.zone_id, z.communes_count, z.population,
         cardinality(z.departements) AS departements_count
  FROM analysis_zone z
  JOIN analysis_commune_kind a ON a.kind_code = z.kind_code AND a.commune_code = z.zone_id
  WHERE z.kind_code = :kind AND a.zone_id IN (SELECT label FROM labels)
  ORDER BY a.zone_id, z.zone_id
), ids AS (
  SELECT l.label,
         COALESCE(s.zone_id, (SELECT min(a.commune_code) FROM analysis_commune_kind a
                              WHERE a.kind_code = :kind AND a.zone_id = l.label)) AS zone_id,
         s.communes_count, s.population, s.departements_count
  FROM labels l
  LEFT JOIN stored s ON s.label = l.label
), z AS (
  SELECT ids.zone_id, mm.part,
         array_agg(mm.commune_code ORDER BY mm.commune_code) AS communes,
         count(*) AS communes_count,
         sum(mm.pop)::bigint AS population,
         sum(mm.area) AS area_km2,
         array_agg(DISTINCT mm.departement_code)
           FILTER (WHERE mm.departement_code IS NOT NULL) AS departements,
         array_agg(DISTINCT mm.epci_code) FILTER (WHERE mm.epci_code IS NOT NULL) AS epci,
         min(mm.nearest_edge_m) AS nearest_m,
         (array_agg(mm.nearest_cooperation_id
                     ORDER BY mm.nearest_edge_m NULLS LAST, mm.nearest_cooperation_id))[1]
           AS nearest_id,
         (array_agg(mm.commune_code ORDER BY mm.pop DESC, mm.commune_code))[1] AS main_commune
  FROM mm
  JOIN ids ON ids.label = mm.label
  GROUP BY ids.zone_id, mm.part
  ORDER BY sum(mm.pop) DESC, ids.zone_id, mm.part
  LIMIT :limit
), whole AS (
  -- the whole zone (not clipped, not split): its stored row, or its members summed
  SELECT ids.zone_id,
         COALESCE(ids.communes_count, w.communes_count) AS communes_count,
         COALESCE(ids.population, w.population) AS population,
         COALESCE(ids.departements_count, w.departements_count) AS departements_count
  FROM ids
  LEFT JOIN LATERAL (
    SELECT count(*) AS communes_count,
           sum(COALESCE(t.population, 0))::bigint AS population,
           count(DISTINCT t.departement_code) AS departements_count
    FROM analysis_commune_kind a
    JOIN territory t ON t.level = 'commune' AND t.code = a.commune_code
    WHERE ids.communes_count IS NULL AND a.kind_code = :kind AND a.zone_id = ids.label
  ) w ON true
  WHERE ids.zone_id IN (SELECT zone_id FROM z)
)
{answer}
