-- Fresh statistics after the per-profile facts were rewritten.
ANALYZE analysis_commune_profile
