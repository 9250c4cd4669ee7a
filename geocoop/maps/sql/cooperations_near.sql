-- Cooperations located in the territory or within :radius_m metres of its boundary,
-- nearest first (distance 0 inside); distances on geography, in metres. Filters as in
-- cooperations.sql (a NULL parameter means no filter).
-- A geodesic distance to a whole région outline costs a millisecond or more per point, so:
-- * a point inside the outline is at 0 m (a planar test on the prepared outline, as
--   cooperations_inside.sql counts them);
-- * a point outside is at the smallest geodesic distance to the outline's own edges
--   (ST_DumpSegments: the same vertices, so the same arcs), looked for only in chunks of
--   64 consecutive edges whose box lies within `deg` of it (the radius over the shortest
--   degree at the territory's highest latitude, 10 % to spare: a chunk farther in
--   degrees is farther than the radius). It is what PostGIS gives for a polygon once its
--   edge tree is cached (from the second row of a query on): the first row used to get
--   the distance of the nearest point on the sphere instead, up to ~10 m more.
WITH t AS (
  SELECT t.geom,
         1.1 * CAST(:radius_m AS float8)
           / (110570.0 * cos(radians(LEAST(89.0, 0.5 + GREATEST(abs(ST_YMin(t.geom)),
                                                                abs(ST_YMax(t.geom)))))))
           AS deg
  FROM territory AS t
  WHERE t.id = :territory_id
), chunks AS MATERIALIZED (
  SELECT ST_Collect(s.geom) AS geom
  FROM t CROSS JOIN LATERAL ST_DumpSegments(t.geom) WITH ORDINALITY AS s(path, geom, n)
  GROUP BY (s.n - 1) / 64
)
SELECT c.id, c.name, c.kind_code, k.label_fr, k.label_en, k.colour, k.icon,
       c.category, c.socio_economic_model, c.stage, c.governance, c.website,
       c.commune_code,
       ST_X(c.location) AS lon, ST_Y(c.location) AS lat,
       CASE WHEN i.inside THEN 0 ELSE round(o.d)::int END AS distance_m
FROM t
JOIN cooperation AS c
  ON c.location IS NOT NULL
 -- index prefilter: the territory's box grown by the radius (conservative, migration 0004)
 AND c.location && analysis_expand_m(t.geom, :radius_m)
CROSS JOIN LATERAL (SELECT ST_Intersects(c.location, t.geom) AS inside) AS i
CROSS JOIN LATERAL (
  SELECT min(ST_Distance(c.location::geography, e.geom::geography)) AS d
  FROM chunks AS ch
  CROSS JOIN LATERAL ST_Dump(ch.geom) AS e
  WHERE NOT i.inside AND ch.geom && ST_Expand(c.location, t.deg)
) AS o
JOIN kind AS k ON k.code = c.kind_code
WHERE (i.inside OR o.d <= :radius_m)
  AND (CAST(:kinds AS text[]) IS NULL OR c.kind_code = ANY(CAST(:kinds AS text[])))
  AND (CAST(:categories AS text[]) IS NULL
       OR COALESCE(c.category, k.default_category) = ANY(CAST(:categories AS text[])))
  AND (CAST(:models AS text[]) IS NULL
       OR c.socio_economic_model = ANY(CAST(:models AS text[])))
  AND (CAST(:stages AS text[]) IS NULL OR c.stage = ANY(CAST(:stages AS text[])))
ORDER BY distance_m, c.name
LIMIT :limit
