-- Distance rule, one kind: for every commune (optionally only :communes), the nearest
-- cooperation point in metres on the spheroid, measured from the commune polygon's nearest
-- point (0 when the point is inside) and from its point-on-surface.
-- Exact nearest: the planar (degree) nearest neighbour gives an upper bound d; every point
-- whose bounding box lies within d metres is then ranked by its geodesic distance.
INSERT INTO analysis_work (kind_code, commune_code, service_distance_m, nearest_cooperation_id,
                           nearest_edge_m, nearest_center_m, covered_distance, covered_perimeter)
SELECT :kind, t.code, :distance_m, n.id, n.edge_m,
       ST_Distance(ST_PointOnSurface(t.geom)::geography, n.location::geography),
       COALESCE(n.edge_m <= :distance_m, false), false
FROM territory t
LEFT JOIN LATERAL (
  SELECT p.id, p.location, ST_Distance(p.location::geography, t.geom::geography) AS edge_m
  FROM analysis_pts p
  WHERE p.location && analysis_expand_m(t.geom, (
          SELECT ST_Distance(q.location::geography, t.geom::geography) + 1.0
          FROM analysis_pts q
          ORDER BY q.location <-> t.geom
          LIMIT 1))
  ORDER BY edge_m, p.id
  LIMIT 1
) n ON true
WHERE t.level = 'commune' AND t.geom IS NOT NULL
  AND (CAST(:communes AS text[]) IS NULL OR t.code = ANY (CAST(:communes AS text[])));
