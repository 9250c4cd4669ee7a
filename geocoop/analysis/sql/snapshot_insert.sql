-- The analysed state (location, perimeter) of cooperation :i (every one when NULL), which
-- the incremental refresh compares new states with.
INSERT INTO analysis_cooperation_state
SELECT id, kind_code, location, perimeter, perimeter_codes
FROM cooperation
WHERE CAST(:i AS integer) IS NULL OR id = :i
