-- The commune under a proposal's point (:lon, :lat), if any.
SELECT t.code
FROM territory AS t
WHERE t.level = 'commune'
  AND t.geom && ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)
  AND ST_Covers(t.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
ORDER BY t.code
LIMIT 1
