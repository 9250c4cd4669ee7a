-- How many white zones the stored figures of :kinds hold (a refresh's report).
SELECT count(DISTINCT (kind_code, zone_id))
FROM analysis_commune_kind
WHERE kind_code = ANY (CAST(:kinds AS text[])) AND zone_id IS NOT NULL;
