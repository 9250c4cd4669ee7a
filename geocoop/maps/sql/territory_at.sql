-- The territory of :level covering the point (:lon, :lat), if any.
SELECT t.level, t.code, t.name
FROM territory AS t
WHERE t.level = :level
  AND t.geom && ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)
  AND ST_Covers(t.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
ORDER BY t.code
LIMIT 1
