-- The stored profiles of :k, as they were at their last refresh.
SELECT kind_code, profile_id, category, socio_economic_model, stage, cooperations
FROM analysis_profile
WHERE kind_code = ANY (:k)
ORDER BY kind_code, profile_id
