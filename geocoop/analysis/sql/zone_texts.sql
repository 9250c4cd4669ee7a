-- Stored white zones of :kinds with what zone_names.py builds their name and reason
-- sentences from, and the sentences they hold (NULL for a zone new or whose parts changed):
-- zones.py writes those whose sentence differs, so a sentence rule changed in zone_names.py
-- reaches the stored zones at their kind's next refresh. The régions (of the main commune,
-- and of the nearest cooperation's commune) are read here as white_zones_answer.sql does.
SELECT z.kind_code, z.zone_id, z.main_commune_name, z.main_departement, z.departements,
       z.nearest_cooperation_id AS nearest_id, z.nearest_cooperation_name AS nearest_name,
       z.nearest_distance_m AS nearest_m, z.service_distance_m, z.rule,
       mc.region_code AS main_region, mr.name AS main_region_name,
       cc.region_code AS nearest_region, cr.name AS nearest_region_name,
       k.label_fr AS kind_label_fr, k.label_en AS kind_label_en,
       z.name_fr, z.name_en, z.reason_fr, z.reason_en
FROM analysis_zone AS z
JOIN kind AS k ON k.code = z.kind_code
LEFT JOIN territory AS mc ON mc.level = 'commune' AND mc.code = z.main_commune
LEFT JOIN territory AS mr ON mr.level = 'region' AND mr.code = mc.region_code
LEFT JOIN cooperation AS c ON c.id = z.nearest_cooperation_id
LEFT JOIN territory AS cc ON cc.level = 'commune' AND cc.code = c.commune_code
LEFT JOIN territory AS cr ON cr.level = 'region' AND cr.code = cc.region_code
WHERE z.kind_code = ANY (CAST(:kinds AS text[])) AND z.main_commune IS NOT NULL
