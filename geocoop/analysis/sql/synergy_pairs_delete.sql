-- The stored potential links go: all of them, or those of cooperation :i.
DELETE FROM analysis_synergy_pair
WHERE CAST(:i AS integer) IS NULL OR CAST(:i AS integer) IN (a_id, b_id)
