-- Member counts of the stored zones :zones of :kind.
SELECT zone_id, count(*) FROM analysis_commune_kind
WHERE kind_code = :kind AND zone_id = ANY (CAST(:zones AS text[]))
GROUP BY zone_id;
