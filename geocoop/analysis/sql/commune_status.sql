-- Coverage (by distance or perimeter) and white zone of communes :c for kind :k.
SELECT commune_code, (covered_distance OR covered_perimeter) AS covered, zone_id
FROM analysis_commune_kind
WHERE kind_code = :k AND commune_code = ANY (:c)
