-- Write zone ids (NULL clears) for :kind in the table placeholder (stored or scratch).
UPDATE {table} s
SET zone_id = z.zone_id
FROM unnest(CAST(:codes AS text[]), CAST(:zones AS text[])) AS z(commune_code, zone_id)
WHERE s.kind_code = :kind AND s.commune_code = z.commune_code;
