-- Place names to draw without a base map: territories of :level whose label point lies in
-- the box (:west, :south, :east, :north), most populated first (they win collisions).
SELECT t.code, t.name, t.level, t.population,
       round(ST_X(p.pt)::numeric, 5)::float8 AS lon, round(ST_Y(p.pt)::numeric, 5)::float8 AS lat
FROM territory AS t
CROSS JOIN LATERAL (SELECT COALESCE(t.label_point, ST_PointOnSurface(t.geom)) AS pt) AS p
WHERE t.level = :level AND t.geom IS NOT NULL
  AND t.geom && ST_MakeEnvelope(:west, :south, :east, :north, 4326)
  AND p.pt && ST_MakeEnvelope(:west, :south, :east, :north, 4326)
  AND COALESCE(t.population, 0) >= :min_population
ORDER BY t.population DESC NULLS LAST, t.name
LIMIT :limit
