-- Set-based nearest search, step 2: per commune still without its row (profile reuse,
-- profile_reuse_nearest.sql), a candidate point — that of the Voronoi cell holding its
-- point-on-surface (each cell probes the communes' index: a few hundred probes), or the
-- lowest id when no cell holds it (fewer than two distinct points) — with its spheroid
-- distance to the commune polygon (_ST_DistanceUnCached, as in commune_distance.sql) and
-- the box grown by that distance: a nearer point, or one as near, lies in that box
-- (analysis_expand_m is conservative), so nearest_store.sql needs only those.
WITH cell AS (
  SELECT DISTINCT ON (t.code) t.code, c.id
  FROM analysis_cells c
  JOIN analysis_communes t
    ON t.center::geometry && c.cell AND ST_Intersects(c.cell, t.center::geometry)
  ORDER BY t.code, c.id
), fallback AS (
  SELECT min(p.id) AS id FROM analysis_pts p
)
INSERT INTO analysis_near (code, id, edge_m, box)
SELECT q.code, q.id, q.edge_m, analysis_expand_m(q.geom, q.edge_m + 1.0)
FROM (
  SELECT t.code, t.geom, k.id, _ST_DistanceUnCached(k.geog, t.geog, true) AS edge_m
  FROM analysis_communes t
  CROSS JOIN fallback f
  LEFT JOIN cell ON cell.code = t.code
  JOIN analysis_pts k ON k.id = COALESCE(cell.id, f.id)
  WHERE NOT EXISTS (SELECT 1 FROM analysis_work w
                    WHERE w.kind_code = CAST(:kind AS text) AND w.commune_code = t.code)
) q;
