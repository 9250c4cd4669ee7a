-- Distance rule, one kind: for every commune in scope, the nearest cooperation point in
-- metres on the spheroid, measured from the commune polygon's nearest point (0 when the
-- point is inside) and from its point-on-surface.
-- Exact nearest: the planar (degree) nearest neighbour gives an upper bound d; every point
-- whose bounding box lies within d metres is then ranked by its geodesic distance.
INSERT INTO analysis_work (kind_code, commune_code, service_distance_m, nearest_cooperation_id,
                           nearest_edge_m, nearest_center_m, covered_distance, covered_perimeter,
                           reach)
SELECT :kind, t.code, :distance_m, n.id, n.edge_m, ST_Distance(t.center, n.geog),
       COALESCE(n.edge_m <= :distance_m, false), false,
       ST_Envelope(analysis_expand_m(t.geom, n.edge_m + 1.0))
FROM analysis_communes t
LEFT JOIN LATERAL (
  SELECT p.id, p.geog, ST_Distance(p.geog, t.geog) AS edge_m
  FROM analysis_pts p
  WHERE p.location && analysis_expand_m(t.geom, (
          SELECT ST_Distance(q.geog, t.geog) + 1.0
          FROM analysis_pts q
          ORDER BY q.location <-> t.geom
          LIMIT 1))
  ORDER BY edge_m, p.id
  LIMIT 1
) n ON true;
