-- Communes of :kind whose stored figures one cooperation (:id) may change: those it was the
-- nearest or perimeter match of (before); those its current point is at least as close to
-- as their stored nearest (after), found through the indexed `reach` boxes; every commune
-- when the kind had no point at all; and those its current perimeter reaches.
WITH c AS (
  SELECT location, perimeter, perimeter_codes FROM cooperation
  WHERE id = :id AND kind_code = :kind
)
SELECT s.commune_code
FROM analysis_commune_kind s
WHERE s.kind_code = :kind
  AND (s.nearest_cooperation_id = :id OR s.perimeter_cooperation_id = :id
       OR (s.nearest_edge_m IS NULL AND EXISTS (SELECT 1 FROM c WHERE c.location IS NOT NULL)))
UNION
SELECT s.commune_code
FROM c
JOIN analysis_commune_kind s ON s.reach && c.location AND s.kind_code = :kind
JOIN territory t ON t.level = 'commune' AND t.code = s.commune_code
WHERE ST_Distance(c.location::geography, t.geom::geography) <= s.nearest_edge_m + 0.01
UNION
SELECT t.code
FROM c
JOIN territory t
  ON t.level = 'commune'
 AND (t.code = ANY (c.perimeter_codes)
      OR t.epci_code = ANY (c.perimeter_codes)
      OR (c.perimeter IS NOT NULL AND t.geom && c.perimeter
          AND ST_Intersects(t.geom, c.perimeter)))
JOIN analysis_commune_kind s ON s.kind_code = :kind AND s.commune_code = t.code;
