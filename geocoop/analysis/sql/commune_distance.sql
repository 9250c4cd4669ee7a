-- Distance rule, one kind, first pass: for the communes in scope without their row (those
-- of profile_reuse_nearest.sql have it), the nearest cooperation point in metres on the
-- spheroid, measured from the commune polygon's nearest point (0 when the point is inside)
-- and from its point-on-surface, stored where it is provably the nearest; the other
-- communes are left to commune_distance_rest.sql (~2 % of them on the national PAT list).
-- The seed k is the nearest point in Web Mercator (EPSG:3857, conformal: near a commune
-- the same order as metres), at geodesic distance d. Proof that no other point is nearer:
-- on the WGS84 ellipsoid a length is at least (1 − e²)·cos φ = 0.99330562·cos φ times its
-- Web Mercator length, φ the largest |latitude| on the way; a point nearer than d lies
-- within d of the commune, so below φmax = the commune's largest |latitude| + d / 110574
-- (the shortest degree of latitude, in metres). Every other point is at least as far in
-- Mercator as the second one (m2): when m2·0.99330562·cos φmax − 100 m > d, every other
-- point is farther than d. The 100 m cover the Mercator outline's straight edges against
-- the geodesic ones (< 2 m for the national communes, whose longest edge is 13 km).
-- Ties (two points at one place) always go to the exact pass.
-- _ST_DistanceUnCached is PostGIS's own spheroid distance without the circle trees that
-- ST_Distance on geography builds for arguments its cache does not hold (here: nearly
-- every call, each commune polygon is seen once or twice): 2.8× faster alone, within 5 nm
-- of ST_Distance (docs/performance.md, « The national PAT list »). The distances to a
-- commune polygon compared with stored ones use it too (filtered_distance.sql).
INSERT INTO analysis_work (kind_code, commune_code, service_distance_m, nearest_cooperation_id,
                           nearest_edge_m, nearest_center_m, covered_distance, covered_perimeter,
                           reach)
SELECT CAST(:kind AS text), t.code, :distance_m, k.id, k.edge_m, ST_Distance(t.center, k.geog),
       COALESCE(k.edge_m <= :distance_m, false), false,
       ST_Envelope(analysis_expand_m(t.geom, k.edge_m + 1.0))
FROM {communes} AS t
CROSS JOIN LATERAL (
  SELECT s.id, s.geog, _ST_DistanceUnCached(s.geog, t.geog, true) AS edge_m, s.second_m
  FROM (
    SELECT (array_agg(q.id))[1] AS id, (array_agg(q.geog))[1] AS geog,
           (array_agg(q.mercator_m))[2] AS second_m
    FROM (SELECT q.id, q.geog, q.mercator <-> t.mercator AS mercator_m
          FROM analysis_pts q
          ORDER BY q.mercator <-> t.mercator
          LIMIT 2) AS q
  ) AS s
  WHERE s.id IS NOT NULL
  OFFSET 0
) AS k
WHERE k.second_m IS NULL
   OR k.second_m * 0.99330562
      * cos(radians(least(greatest(abs(ST_YMin(t.geom)), abs(ST_YMax(t.geom)))
                          + k.edge_m / 110574.0, 89.9)))
      - 100.0 > k.edge_m;
