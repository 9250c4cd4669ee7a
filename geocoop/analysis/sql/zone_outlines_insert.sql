-- Outline and figures of each zone not stored yet: the simplified member communes are an
-- exact coverage, so geocoop_coverage_union (migration 0007) dissolves them exactly (and
-- falls back on ST_Union otherwise); the outline is as simplified as its members.
INSERT INTO analysis_zone
    (kind_code, zone_id, members_hash, communes_count, population, area_km2, departements, geom)
SELECT l.kind_code, l.zone_id, l.members_hash, m.communes_count, m.population, m.area_km2,
       m.departements, m.geom
FROM zone_outline_live AS l
CROSS JOIN LATERAL (
    SELECT count(*) AS communes_count,
           COALESCE(sum(t.population), 0) AS population,
           COALESCE(sum(COALESCE(t.area_km2, ST_Area(t.geom::geography) / 1e6)), 0) AS area_km2,
           COALESCE(array_agg(DISTINCT t.departement_code ORDER BY t.departement_code)
                    FILTER (WHERE t.departement_code IS NOT NULL), '{}') AS departements,
           ST_Multi(geocoop_coverage_union(array_agg(COALESCE(t.geom_simplified, t.geom))))
             AS geom
    FROM territory AS t
    WHERE t.level = 'commune' AND t.code = ANY (l.communes)
) AS m
WHERE NOT EXISTS (
    SELECT 1 FROM analysis_zone AS z
    WHERE z.kind_code = l.kind_code AND z.zone_id = l.zone_id
      AND z.members_hash = l.members_hash)
