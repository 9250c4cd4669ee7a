-- A kind with no cooperation (after filters): every commune uncovered, no nearest.
INSERT INTO analysis_work (kind_code, commune_code, service_distance_m, covered_distance,
                           covered_perimeter)
SELECT :kind, t.code, :distance_m, false, false
FROM analysis_communes t;
