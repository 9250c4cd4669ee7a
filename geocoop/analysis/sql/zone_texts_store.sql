-- The name and reason sentences of stored white zones, one array element per zone.
UPDATE analysis_zone AS z
SET name_fr = u.name_fr, name_en = u.name_en, reason_fr = u.reason_fr, reason_en = u.reason_en
FROM unnest(CAST(:kinds AS text[]), CAST(:zones AS text[]), CAST(:names_fr AS text[]),
            CAST(:names_en AS text[]), CAST(:reasons_fr AS text[]),
            CAST(:reasons_en AS text[]))
       AS u(kind_code, zone_id, name_fr, name_en, reason_fr, reason_en)
WHERE z.kind_code = u.kind_code AND z.zone_id = u.zone_id
