-- Set-based nearest search, step 3: the nearest of each commune is the smallest (spheroid
-- distance, id) among its candidate and the points inside its box — found by probing the
-- boxes' index with each point (a few hundred probes instead of one per commune). Same
-- rows as commune_distance.sql: the same distances, the same order, every point that
-- could be as near considered (tests/test_analysis_nearest.py).
INSERT INTO analysis_work (kind_code, commune_code, service_distance_m, nearest_cooperation_id,
                           nearest_edge_m, nearest_center_m, covered_distance, covered_perimeter,
                           reach)
SELECT CAST(:kind AS text), t.code, :distance_m, b.id, b.edge_m, ST_Distance(t.center, p.geog),
       b.edge_m <= :distance_m, false,
       ST_Envelope(analysis_expand_m(t.geom, b.edge_m + 1.0))
FROM (
  SELECT DISTINCT ON (c.code) c.code, c.id, c.edge_m
  FROM (
    SELECT n.code, n.id, n.edge_m FROM analysis_near n
    UNION ALL
    SELECT n.code, p.id, _ST_DistanceUnCached(p.geog, t.geog, true)
    FROM analysis_pts p
    JOIN analysis_near n ON n.box && p.location AND p.id <> n.id
    JOIN analysis_communes t ON t.code = n.code
  ) AS c
  ORDER BY c.code, c.edge_m, c.id
) AS b
JOIN analysis_communes t ON t.code = b.code
JOIN analysis_pts p ON p.id = b.id;
