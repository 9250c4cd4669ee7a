-- Staged rows that got no point (their territory has no geometry): removed and reported.
DELETE FROM coop_stage
WHERE location IS NULL
RETURNING line, location_precision, commune_code, perimeter_codes
