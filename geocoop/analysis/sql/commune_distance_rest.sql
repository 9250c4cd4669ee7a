-- Distance rule, one kind, exact pass for the communes still without their row after
-- commune_distance.sql (a near tie in Mercator, or a nearest point far away: overseas
-- communes, a profile with few points).
-- Exact nearest: the planar (degree) nearest neighbour k, at geodesic distance d, is a
-- candidate; every other point whose bounding box lies within d metres is then ranked by
-- its geodesic distance with it. Before that costly distance to a full-resolution polygon
-- on the spheroid, a cheap lower bound leaves out the points that cannot be nearer:
-- distance(p, polygon) ≥ distance(p, c) − r, with c the point-on-surface and r an upper
-- bound of its distance to any point of the polygon (a degree is at most 111,694 m in any
-- direction; + 100 m for geodesic against straight edges). With a far nearest point the
-- box holds nearly every point: the bound keeps a few.
INSERT INTO analysis_work (kind_code, commune_code, service_distance_m, nearest_cooperation_id,
                           nearest_edge_m, nearest_center_m, covered_distance, covered_perimeter,
                           reach)
SELECT CAST(:kind AS text), t.code, :distance_m, n.id, n.edge_m, ST_Distance(t.center, n.geog),
       COALESCE(n.edge_m <= :distance_m, false), false,
       ST_Envelope(analysis_expand_m(t.geom, n.edge_m + 1.0))
FROM {communes} AS t
LEFT JOIN LATERAL (
  SELECT q.id, q.geog, _ST_DistanceUnCached(q.geog, t.geog, true) AS edge_m,
         ST_MaxDistance(t.center::geometry, t.geom) * 111700.0 + 101.0 AS radius_m
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
      AND ST_Distance(p.geog, t.center) - k.radius_m <= k.edge_m
  ) AS c
  ORDER BY c.edge_m, c.id
  LIMIT 1
) n ON true;
