-- The stored profiles of :kinds, their per-commune facts and their state go before they
-- are stored again (no foreign key between the three tables: one statement).
WITH commune_profile AS (
    DELETE FROM analysis_commune_profile WHERE kind_code = ANY (:kinds)
), profile AS (
    DELETE FROM analysis_profile WHERE kind_code = ANY (:kinds)
)
DELETE FROM analysis_kind_state WHERE kind_code = ANY (:kinds)
