-- Stored white zones of :kinds whose name and reason sentences are to be built (new, or
-- their parts changed), with what zone_names.py builds them from.
SELECT z.kind_code, z.zone_id, z.main_commune_name, z.main_departement, z.departements,
       z.nearest_cooperation_id AS nearest_id, z.nearest_cooperation_name AS nearest_name,
       z.nearest_distance_m AS nearest_m, z.service_distance_m, z.rule,
       k.label_fr AS kind_label_fr, k.label_en AS kind_label_en
FROM analysis_zone AS z
JOIN kind AS k ON k.code = z.kind_code
WHERE z.kind_code = ANY (CAST(:kinds AS text[]))
  AND z.name_fr IS NULL AND z.main_commune IS NOT NULL
