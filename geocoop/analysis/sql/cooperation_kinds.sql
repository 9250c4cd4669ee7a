-- The kinds cooperation :i belongs to now and belonged to at the last analysis (both are
-- refreshed when it changes kind).
SELECT kind_code FROM cooperation WHERE id = :i
UNION
SELECT kind_code FROM analysis_cooperation_state WHERE cooperation_id = :i
