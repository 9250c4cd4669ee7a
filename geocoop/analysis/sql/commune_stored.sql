-- Whether stored per-commune facts exist for one kind (else they are computed live).
SELECT EXISTS (SELECT 1 FROM analysis_commune_kind WHERE kind_code = :kind)
