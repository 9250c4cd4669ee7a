-- Fingerprint of every commune polygon: the adjacency graph is rebuilt when it changes.
SELECT md5(string_agg(code || md5(ST_AsBinary(geom)), ',' ORDER BY code))
FROM territory
WHERE level = 'commune' AND geom IS NOT NULL;
