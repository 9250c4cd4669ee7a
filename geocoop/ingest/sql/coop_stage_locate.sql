-- Geometry of the staged rows, in order: exact points, polygons given by the file,
-- perimeters as the union of their territories (unless coop_stage_reuse_perimeter.sql
-- kept the stored one), commune label points (guaranteed inside the commune), a point
-- inside each perimeter, then the commune containing each point.

UPDATE coop_stage
SET location = ST_SetSRID(ST_MakePoint(lon, lat), 4326)
WHERE location_precision = 'coordinates';

UPDATE coop_stage
SET perimeter = ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_GeomFromText(geometry_wkt, 4326)), 3))
WHERE geometry_wkt IS NOT NULL;

UPDATE coop_stage s
SET perimeter = u.geom
FROM (
    SELECT s2.line, ST_Multi(ST_CollectionExtract(ST_Union(t.geom), 3)) AS geom
    FROM coop_stage s2
    CROSS JOIN LATERAL unnest(s2.perimeter_codes) AS pc(key)
    JOIN territory t
      ON t.level = split_part(pc.key, ':', 1) AND t.code = split_part(pc.key, ':', 2)
    WHERE s2.geometry_wkt IS NULL AND s2.perimeter IS NULL AND t.geom IS NOT NULL
    GROUP BY s2.line
) u
WHERE s.line = u.line;

UPDATE coop_stage s
SET location = COALESCE(t.label_point, ST_PointOnSurface(t.geom))
FROM territory t
WHERE t.level = 'commune' AND t.code = s.commune_code
  AND s.location_precision IN ('insee_code', 'postcode_name', 'commune_name');

UPDATE coop_stage
SET location = ST_PointOnSurface(perimeter)
WHERE location IS NULL AND perimeter IS NOT NULL
  AND location_precision IN ('geometry', 'perimeter');

-- A point on a shared border touches two communes: the lowest code wins, so that a
-- re-import gives the same answer.
UPDATE coop_stage s
SET commune_code = (
    SELECT t.code FROM territory t
    WHERE t.level = 'commune' AND ST_Intersects(t.geom, s.location)
    ORDER BY t.code
    LIMIT 1
)
WHERE s.commune_code IS NULL AND s.location IS NOT NULL;
