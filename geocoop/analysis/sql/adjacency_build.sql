-- Adjacency of communes: polygons that intersect (a shared edge or, rarely, a shared vertex
-- — the same test as ST_ClusterDBSCAN with eps 0), stored in both directions.
INSERT INTO analysis_adjacency (a, b)
SELECT x.a, x.b
FROM (
  SELECT a.code AS a, b.code AS b
  FROM territory a
  JOIN territory b
    ON b.level = 'commune' AND b.geom && a.geom AND a.code < b.code
   AND ST_Intersects(a.geom, b.geom)
  WHERE a.level = 'commune'
) p
CROSS JOIN LATERAL (VALUES (p.a, p.b), (p.b, p.a)) AS x(a, b);
