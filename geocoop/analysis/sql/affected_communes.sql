-- Communes of :kind whose stored figures one cooperation (:id) may change: those it was the
-- nearest or perimeter match of (before); those its current point is at least as close to
-- as their stored nearest (after), found through the indexed `reach` boxes; every commune
-- when the kind had no point at all; and those its current perimeter reaches.
WITH c AS (
  SELECT location, perimeter, perimeter_codes FROM cooperation
  WHERE id = :id AND kind_code = :kind
), keys AS (  -- territory keys as in load_kind.sql: `level:code`, or a bare commune/EPCI code
  SELECT CASE WHEN position(':' IN k.key) > 0 THEN split_part(k.key, ':', 1) END AS level,
         CASE WHEN position(':' IN k.key) > 0 THEN split_part(k.key, ':', 2) ELSE k.key END
           AS code
  FROM c CROSS JOIN LATERAL unnest(c.perimeter_codes) AS k(key)
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
SELECT t.code FROM keys k JOIN territory t ON t.level = 'commune' AND t.code = k.code
WHERE k.level IS NULL OR k.level = 'commune'
UNION
SELECT t.code FROM keys k JOIN territory t ON t.level = 'commune' AND t.epci_code = k.code
WHERE k.level IS NULL OR k.level = 'epci'
UNION
SELECT t.code FROM keys k
JOIN territory t ON t.level = 'commune' AND t.departement_code = k.code
WHERE k.level = 'departement'
UNION
SELECT t.code FROM keys k JOIN territory t ON t.level = 'commune' AND t.region_code = k.code
WHERE k.level = 'region'
UNION
SELECT t.code
FROM c
JOIN territory t
  ON t.level = 'commune' AND t.geom && c.perimeter AND ST_Intersects(t.geom, c.perimeter)
WHERE c.perimeter IS NOT NULL AND COALESCE(cardinality(c.perimeter_codes), 0) = 0;
