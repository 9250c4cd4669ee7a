-- The scratch results of one profile (computed with kind_code :kind) become its stored
-- per-commune facts.
INSERT INTO analysis_commune_profile (kind_code, profile_id, commune_code, nearest_edge_m,
                                      covered_perimeter)
SELECT w.kind_code, :profile_id, w.commune_code, w.nearest_edge_m, w.covered_perimeter
FROM analysis_work w
WHERE w.kind_code = :kind;
