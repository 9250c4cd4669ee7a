-- One profile's per-commune facts computed ahead (profile_work_rows.sql on another
-- connection) become its stored facts: three arrays of one row per commune.
INSERT INTO analysis_commune_profile (kind_code, profile_id, commune_code, nearest_edge_m,
                                      covered_perimeter)
SELECT CAST(:kind AS text), :profile_id, r.code, r.edge_m, r.covered
FROM unnest(CAST(:codes AS text[]), CAST(:edges AS float8[]), CAST(:covered AS boolean[]))
  AS r(code, edge_m, covered);
