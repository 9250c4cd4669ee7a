-- The analysed state of cooperation :i (every cooperation when NULL) is replaced.
DELETE FROM analysis_cooperation_state
WHERE CAST(:i AS integer) IS NULL OR cooperation_id = :i
