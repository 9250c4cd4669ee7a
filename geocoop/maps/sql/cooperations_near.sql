-- Cooperations located in the territory or within :radius_m metres of its boundary,
-- nearest first (distance 0 inside, then by name and id); distances on geography, in
-- metres. Filters as in cooperations.sql (a NULL parameter means no filter).
-- The outline's geography is cast once (t is materialised): PostGIS then reuses its cached
-- tree for every point instead of casting and walking thousands of vertices per point (the
-- same distances, about 5× faster).
-- A geodesic distance to a large outline (a région's, the largest départements': 2,000
-- vertices or more) still costs a lot per point, so there it is computed only where it
-- decides something:
-- * a point inside the outline is at 0 m (a planar test on the prepared outline, as
--   cooperations_inside.sql counts them);
-- * when :limit or more points are inside, the list holds only points at 0 m (by name):
--   an outside point can enter it only at 0 m (rounded), so only the points within 0.01°
--   (planar, some 700 m: far more than a great-circle edge strays from its straight line)
--   of the outline get a distance;
-- * otherwise a point outside is first estimated on geography against the outline's own
--   edges, in chunks of 64 consecutive edges whose box lies within `deg` of it (the radius
--   over the shortest degree at the territory's highest latitude, 10 % to spare: a chunk
--   farther in degrees is farther than the radius); only a point within the radius by that
--   estimate (1 % + 100 m to spare: it and PostGIS's distance to the polygon differ by
--   metres) gets PostGIS's distance to the polygon.
-- Smaller outlines are measured for every point (fast enough there).
WITH t AS MATERIALIZED (
  SELECT t.geom, t.geom::geography AS geog, ST_NPoints(t.geom) < 2000 AS small,
         1.1 * CAST(:radius_m AS float8)
           / (110570.0 * cos(radians(LEAST(89.0, 0.5 + GREATEST(abs(ST_YMin(t.geom)),
                                                                abs(ST_YMax(t.geom)))))))
           AS deg
  FROM territory AS t
  WHERE t.id = :territory_id
), c AS MATERIALIZED (
  -- the candidates under the filters, each with the planar inside test done once
  SELECT c.id, c.name, c.kind_code, k.label_fr, k.label_en, k.colour, k.icon,
         c.category, c.socio_economic_model, c.stage, c.governance, c.website,
         c.commune_code, c.location,
         NOT t.small AND ST_Intersects(c.location, t.geom) AS inside
  FROM t
  JOIN cooperation AS c
    ON c.location IS NOT NULL
   -- index prefilter: the territory's box grown by the radius (conservative, migration 0004)
   AND c.location && analysis_expand_m(t.geom, :radius_m)
  JOIN kind AS k ON k.code = c.kind_code
  WHERE (CAST(:kinds AS text[]) IS NULL OR c.kind_code = ANY(CAST(:kinds AS text[])))
    AND (CAST(:categories AS text[]) IS NULL
         OR COALESCE(c.category, k.default_category) = ANY(CAST(:categories AS text[])))
    AND (CAST(:models AS text[]) IS NULL
         OR c.socio_economic_model = ANY(CAST(:models AS text[])))
    AND (CAST(:stages AS text[]) IS NULL OR c.stage = ANY(CAST(:stages AS text[])))
), f AS (
  SELECT count(*) FILTER (WHERE c.inside) >= :limit AS full FROM c
), chunks AS MATERIALIZED (
  SELECT ST_Collect(s.geom) AS geom
  FROM t CROSS JOIN f
  CROSS JOIN LATERAL ST_DumpSegments(t.geom) WITH ORDINALITY AS s(path, geom, n)
  WHERE NOT t.small AND NOT f.full
  GROUP BY (s.n - 1) / 64
)
SELECT c.id, c.name, c.kind_code, c.label_fr, c.label_en, c.colour, c.icon,
       c.category, c.socio_economic_model, c.stage, c.governance, c.website,
       c.commune_code,
       ST_X(c.location) AS lon, ST_Y(c.location) AS lat,
       CASE WHEN c.inside THEN 0
            ELSE round(ST_Distance(c.location::geography, t.geog))::int
       END AS distance_m
FROM t
CROSS JOIN f
JOIN c ON true
CROSS JOIN LATERAL (
  SELECT min(ST_Distance(c.location::geography, e.geom::geography)) AS d
  FROM chunks AS ch
  CROSS JOIN LATERAL ST_Dump(ch.geom) AS e
  WHERE NOT t.small AND NOT c.inside AND NOT f.full AND ch.geom && ST_Expand(c.location, t.deg)
) AS o
WHERE CASE WHEN t.small THEN ST_DWithin(c.location::geography, t.geog, :radius_m)
           WHEN c.inside THEN true
           WHEN f.full THEN ST_DWithin(c.location, t.geom, 0.01)
                            AND ST_Distance(c.location::geography, t.geog) < 0.5
           ELSE o.d <= 1.01 * CAST(:radius_m AS float8) + 100
                AND ST_DWithin(c.location::geography, t.geog, :radius_m)
       END
ORDER BY distance_m, c.name, c.id
LIMIT :limit
