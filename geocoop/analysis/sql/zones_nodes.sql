-- Uncovered communes of :kind (rule "any") in {table}, optionally only those of :communes,
-- with their current zone id.
SELECT s.commune_code, s.zone_id
FROM {table} s
WHERE s.kind_code = :kind AND NOT (s.covered_distance OR s.covered_perimeter)
  AND (CAST(:communes AS text[]) IS NULL
       OR s.commune_code IN (SELECT unnest(CAST(:communes AS text[]))));
