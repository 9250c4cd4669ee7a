-- Pairs of staged rows of the same kind placed within the given radius (metres) of each other
-- (geography, so metres everywhere in France): candidates for probable duplicates, whose
-- names are then compared in Python. Perimeter-only rows are left out (overlapping
-- perimeters are normal). The later line of a pair is the one flagged.
SELECT a.line, a.name, a.source_id, b.line AS other_line, b.name AS other_name,
       b.source_id AS other_source_id,
       ST_Distance(a.location::geography, b.location::geography) AS distance_m
FROM coop_stage a
JOIN coop_stage b
  ON b.line < a.line
 AND b.kind_code = a.kind_code
 AND ST_DWithin(a.location::geography, b.location::geography, :radius_m)
WHERE a.location_precision NOT IN ('perimeter', 'geometry')
  AND b.location_precision NOT IN ('perimeter', 'geometry')
ORDER BY a.line, b.line
