-- Staged rows that got no point (their territory has no geometry): removed and reported.
-- Rows kept on purpose without a place (no precision, quality.unlocated) stay.
DELETE FROM coop_stage
WHERE location IS NULL AND location_precision IS NOT NULL
RETURNING line, location_precision, commune_code, perimeter_codes
