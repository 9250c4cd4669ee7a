-- Distance rule, one kind, for the communes a filter changes (analysis_communes), from the
-- points that pass (analysis_pts). Only the communes in :reachable — their stored nearest
-- point was within the service distance — can still be covered: for them every passing
-- point within :distance_m of the polygon is found (index prefilter on the points, then
-- the spheroid distance of commune_distance.sql) and the nearest kept, which is exact,
-- since a nearest point within reach is among them. Every other commune is uncovered by
-- distance (its nearest point among those that pass is no closer than its stored one) and
-- that nearest lies beyond the service distance: it is marked unknown
-- (nearest_center_m = -1, read by rollup.sql) instead of being searched for across the
-- country.
WITH reachable AS (
  SELECT DISTINCT unnest(CAST(:reachable AS text[])) AS code
)
INSERT INTO analysis_work (kind_code, commune_code, service_distance_m, nearest_cooperation_id,
                           nearest_edge_m, nearest_center_m, covered_distance, covered_perimeter)
SELECT :kind, t.code, :distance_m, n.id, n.edge_m,
       CASE WHEN n.id IS NULL THEN -1 ELSE ST_Distance(t.center, n.geog) END,
       n.id IS NOT NULL, false
FROM analysis_communes t
LEFT JOIN reachable r ON r.code = t.code
LEFT JOIN LATERAL (
  SELECT d.id, d.geog, d.edge_m
  FROM (
    SELECT p.id, p.geog, _ST_DistanceUnCached(p.geog, t.geog, true) AS edge_m
    FROM analysis_pts p
    WHERE r.code IS NOT NULL
      AND p.location && analysis_expand_m(t.geom, :distance_m)
  ) AS d
  WHERE d.edge_m <= :distance_m
  ORDER BY d.edge_m, d.id
  LIMIT 1
) n ON true;
