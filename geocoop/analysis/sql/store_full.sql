-- Full refresh (after emptying the stored table): the scratch results become the stored
-- figures. Only kinds with data were computed: a kind without data has no stored row.
INSERT INTO analysis_commune_kind (kind_code, commune_code, service_distance_m,
  nearest_cooperation_id, nearest_edge_m, nearest_center_m, covered_distance,
  perimeter_cooperation_id, perimeter_via, perimeter_share, covered_perimeter, zone_id, reach)
SELECT w.kind_code, w.commune_code, w.service_distance_m, w.nearest_cooperation_id,
       w.nearest_edge_m, w.nearest_center_m, w.covered_distance, w.perimeter_cooperation_id,
       w.perimeter_via, w.perimeter_share, w.covered_perimeter, w.zone_id, w.reach
FROM analysis_work w;
