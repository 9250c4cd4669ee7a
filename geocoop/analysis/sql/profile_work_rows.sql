-- The scratch results of one profile (computed with kind_code :k), as its stored
-- per-commune facts will hold them (facts_profile_store.sql), read back to be stored by
-- another transaction (facts_profile_store_rows.sql).
SELECT w.commune_code, w.nearest_edge_m, w.covered_perimeter
FROM analysis_work w
WHERE w.kind_code = :k
ORDER BY w.commune_code;
