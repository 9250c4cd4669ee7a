-- Régions and départements for the map's area selector: code, name, région, and the
-- bounding box the map zooms to (west, south, east, north in degrees).
SELECT t.level, t.code, t.name, t.region_code,
       round(ST_XMin(b.box)::numeric, 4)::float8 AS west,
       round(ST_YMin(b.box)::numeric, 4)::float8 AS south,
       round(ST_XMax(b.box)::numeric, 4)::float8 AS east,
       round(ST_YMax(b.box)::numeric, 4)::float8 AS north
FROM territory AS t
CROSS JOIN LATERAL (SELECT Box2D(COALESCE(t.geom_simplified, t.geom)) AS box) AS b
WHERE t.level IN ('region', 'departement') AND t.geom IS NOT NULL
ORDER BY t.name, t.level;
