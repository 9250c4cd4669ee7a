-- The answer of a white-zone list (white_zones.sql and white_zones_stored.sql): each zone
-- (or its part in one département) of z with its whole figures from whole, its main
-- commune, département names, nearest cooperation, the régions of both (zone_names.py's
-- far rule; zone_texts.sql reads them alike) and, on request, its outline.
SELECT z.*,
       w.communes_count AS zone_communes_count, w.population AS zone_population,
       w.departements_count AS zone_departements_count,
       mc.name AS main_commune_name, mc.departement_code AS main_departement,
       mc.region_code AS main_region, mr.name AS main_region_name,
       cc.region_code AS nearest_region, cr.name AS nearest_region_name,
       (SELECT array_agg(d.name ORDER BY d.code)
        FROM territory d
        WHERE d.level = 'departement' AND d.code = ANY (z.departements)) AS departement_names,
       c.name AS nearest_name,
       k.service_distance_m, k.label_fr AS kind_label_fr, k.label_en AS kind_label_en,
       -- dissolved outline: the simplified communes are an exact coverage, so the
       -- edge-matching union of migration 0007 is exact (and falls back on ST_Union)
       CASE WHEN CAST(:with_geometry AS boolean) THEN (
         SELECT ST_AsGeoJSON(
                  geocoop_coverage_union(array_agg(COALESCE(t.geom_simplified, t.geom))), 5)
         FROM territory t
         WHERE t.level = 'commune' AND t.code = ANY (z.communes)) END AS geometry
FROM z
JOIN whole w ON w.zone_id = z.zone_id
JOIN territory mc ON mc.level = 'commune' AND mc.code = z.main_commune
JOIN kind k ON k.code = :kind
LEFT JOIN cooperation c ON c.id = z.nearest_id
LEFT JOIN territory mr ON mr.level = 'region' AND mr.code = mc.region_code
LEFT JOIN territory cc ON cc.level = 'commune' AND cc.code = c.commune_code
LEFT JOIN territory cr ON cr.level = 'region' AND cr.code = cc.region_code
ORDER BY z.population DESC, z.zone_id, z.part;
