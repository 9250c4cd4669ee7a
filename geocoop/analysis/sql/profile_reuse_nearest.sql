-- Per-profile facts, distance rule: a commune whose stored nearest point (the kind's,
-- just refreshed with the same service distance) is a point of this profile
-- (analysis_pts holds only the profile's points) has that same nearest for the profile —
-- no point of the profile can be nearer than the kind's nearest — so its row is copied,
-- and commune_distance.sql searches only the other communes.
INSERT INTO analysis_work (kind_code, commune_code, service_distance_m, nearest_cooperation_id,
                           nearest_edge_m, nearest_center_m, covered_distance, covered_perimeter)
SELECT CAST(:kind AS text), s.commune_code, :distance_m, s.nearest_cooperation_id, s.nearest_edge_m,
       s.nearest_center_m, COALESCE(s.nearest_edge_m <= :distance_m, false), false
FROM analysis_commune_kind s
JOIN analysis_communes t ON t.code = s.commune_code
WHERE s.kind_code = CAST(:kind AS text)
  AND s.service_distance_m = :distance_m
  AND EXISTS (SELECT 1 FROM analysis_pts p WHERE p.id = s.nearest_cooperation_id)
