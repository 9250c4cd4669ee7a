-- Staged polygons that were repaired, or rejected because nothing polygonal was left.
SELECT code, part_code, file, seq,
       (geom IS NULL OR ST_IsEmpty(geom)) AS empty
FROM res_part
WHERE NOT was_valid OR geom IS NULL OR ST_IsEmpty(geom)
ORDER BY file, seq
