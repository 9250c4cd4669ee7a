-- What the roll-ups read of communes :c for kind :k: coverage flags and nearest distance
-- (facts.nearer_only compares them before and after an incremental refresh).
SELECT commune_code, covered_distance, covered_perimeter, nearest_edge_m
FROM analysis_commune_kind
WHERE kind_code = :k AND commune_code = ANY (CAST(:c AS text[]));
