-- Adjacent pairs (a < b) among the nodes of zones_nodes.sql (same parameters). The far end
-- is looked up by primary key, so the plan stays linear whatever the statistics say.
SELECT j.a, j.b
FROM {table} sa
JOIN analysis_adjacency j ON j.a = sa.commune_code
JOIN {table} sb ON sb.kind_code = sa.kind_code AND sb.commune_code = j.b
WHERE sa.kind_code = :kind AND j.a < j.b
  AND NOT (sa.covered_distance OR sa.covered_perimeter)
  AND NOT (sb.covered_distance OR sb.covered_perimeter)
  AND ((CAST(:zones AS text[]) IS NULL AND CAST(:extra AS text[]) IS NULL)
       OR sa.zone_id = ANY (CAST(:zones AS text[]))
       OR sa.commune_code = ANY (CAST(:extra AS text[])))
  AND ((CAST(:zones AS text[]) IS NULL AND CAST(:extra AS text[]) IS NULL)
       OR sb.zone_id = ANY (CAST(:zones AS text[]))
       OR sb.commune_code = ANY (CAST(:extra AS text[])));
