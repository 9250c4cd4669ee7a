-- Pairs of cooperations the import flagged as probable duplicates (same place, names
-- alike: quality.probable_duplicate_of names the other row of the same source), of
-- :kinds (NULL: all), the closest first.
SELECT d.id, d.name, d.kind_code, d.commune_code, o.id AS other_id, o.name AS other_name,
       (d.quality->'probable_duplicate_of'->>'distance_m')::float AS distance_m
FROM cooperation AS d
JOIN cooperation AS o
  ON o.source = d.source
 AND o.source_id = d.quality->'probable_duplicate_of'->>'source_id'
WHERE d.quality ? 'probable_duplicate_of'
  AND (CAST(:kinds AS text[]) IS NULL OR d.kind_code = ANY(CAST(:kinds AS text[])))
ORDER BY distance_m, d.id
LIMIT :limit
