-- Uncovered communes of :kind (rule "any") in the table placeholder with their current zone id: all of
-- them, or (incremental refresh) those of the zones :zones plus the communes :extra.
SELECT s.commune_code, s.zone_id
FROM {table} s
WHERE s.kind_code = :kind AND NOT (s.covered_distance OR s.covered_perimeter)
  AND ((CAST(:zones AS text[]) IS NULL AND CAST(:extra AS text[]) IS NULL)
       OR s.zone_id = ANY (CAST(:zones AS text[]))
       OR s.commune_code = ANY (CAST(:extra AS text[])));
