-- Distance rule, one kind: for every commune in scope, the nearest cooperation point in
-- metres on the spheroid, measured from the commune polygon's nearest point (0 when the
-- point is inside) and from its point-on-surface.
-- Exact nearest: the planar (degree) nearest neighbour k, at geodesic distance d, is a
-- candidate; every other point whose bounding box lies within d metres is then ranked by
-- its geodesic distance with it. k's distance to the polygon — the costly part, a full
-- resolution polygon on the spheroid — is computed once, not again among the others
-- (usually k is the only point in that box). Communes that already have their row
-- (profile_reuse_nearest.sql) are left out.
-- _ST_DistanceUnCached is PostGIS's own spheroid distance without the circle trees that
-- ST_Distance on geography builds for arguments its cache does not hold (here: nearly
-- every call, each commune polygon is seen once or twice): 2.8× faster alone and 1.6× for
-- this whole statement on the national communes, within 5 nm of ST_Distance
-- (docs/performance.md, « The national PAT list »). The distances to a commune polygon
-- compared with stored ones use it too (filtered_distance.sql).
INSERT INTO analysis_work (kind_code, commune_code, service_distance_m, nearest_cooperation_id,
                           nearest_edge_m, nearest_center_m, covered_distance, covered_perimeter,
                           reach)
SELECT CAST(:kind AS text), t.code, :distance_m, n.id, n.edge_m, ST_Distance(t.center, n.geog),
       COALESCE(n.edge_m <= :distance_m, false), false,
       ST_Envelope(analysis_expand_m(t.geom, n.edge_m + 1.0))
FROM analysis_communes t
LEFT JOIN LATERAL (
  SELECT q.id, q.geog, _ST_DistanceUnCached(q.geog, t.geog, true) AS edge_m
  FROM analysis_pts q
  ORDER BY q.location <-> t.geom
  LIMIT 1
) k ON true
LEFT JOIN LATERAL (
  SELECT c.id, c.geog, c.edge_m
  FROM (
    SELECT k.id, k.geog, k.edge_m
    WHERE k.id IS NOT NULL
    UNION ALL
    SELECT p.id, p.geog, _ST_DistanceUnCached(p.geog, t.geog, true)
    FROM analysis_pts p
    WHERE p.location && analysis_expand_m(t.geom, k.edge_m + 1.0)
      AND p.id <> k.id
  ) AS c
  ORDER BY c.edge_m, c.id
  LIMIT 1
) n ON true
WHERE NOT EXISTS (SELECT 1 FROM analysis_work w
                  WHERE w.kind_code = CAST(:kind AS text) AND w.commune_code = t.code);
