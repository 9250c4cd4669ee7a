-- Rows placed by coordinates more than :tolerance_m metres away from the commune the file
-- declares: probably a geocoding error on one side; reported, not corrected.
SELECT s.line, s.commune_code,
       round(ST_Distance(t.geom::geography, s.location::geography)) AS distance_m
FROM coop_stage s
JOIN territory t ON t.level = 'commune' AND t.code = s.commune_code
WHERE s.location_precision = 'coordinates'
  AND s.declared_commune
  AND NOT ST_Intersects(t.geom, s.location)  -- cheap planar test first
  AND NOT ST_DWithin(t.geom::geography, s.location::geography, :tolerance_m)
ORDER BY s.line
