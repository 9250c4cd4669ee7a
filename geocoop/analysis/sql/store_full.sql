-- Full refresh (after emptying the stored table): the scratch results become the stored
-- figures. Kinds without any
-- cooperation (:empty) share the zones computed once for :first_empty.
INSERT INTO analysis_commune_kind (kind_code, commune_code, service_distance_m,
  nearest_cooperation_id, nearest_edge_m, nearest_center_m, covered_distance,
  perimeter_cooperation_id, perimeter_via, perimeter_share, covered_perimeter, zone_id, reach)
SELECT w.kind_code, w.commune_code, w.service_distance_m, w.nearest_cooperation_id,
       w.nearest_edge_m, w.nearest_center_m, w.covered_distance, w.perimeter_cooperation_id,
       w.perimeter_via, w.perimeter_share, w.covered_perimeter,
       CASE WHEN w.kind_code = ANY (CAST(:empty AS text[])) THEN e.zone_id ELSE w.zone_id END,
       w.reach
FROM analysis_work w
LEFT JOIN analysis_work e
  ON e.kind_code = CAST(:first_empty AS text) AND e.commune_code = w.commune_code
 AND w.kind_code = ANY (CAST(:empty AS text[]));
