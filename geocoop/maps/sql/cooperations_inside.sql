-- How many cooperations are located inside the territory (no list limit: an exact count),
-- under the filters of cooperations_near.sql (a NULL parameter means no filter).
SELECT count(*)
FROM territory AS t
JOIN cooperation AS c
  ON c.location IS NOT NULL AND c.location && t.geom AND ST_Intersects(c.location, t.geom)
JOIN kind AS k ON k.code = c.kind_code
WHERE t.id = :territory_id
  AND (CAST(:kinds AS text[]) IS NULL OR c.kind_code = ANY(CAST(:kinds AS text[])))
  AND (CAST(:categories AS text[]) IS NULL
       OR COALESCE(c.category, k.default_category) = ANY(CAST(:categories AS text[])))
  AND (CAST(:models AS text[]) IS NULL
       OR c.socio_economic_model = ANY(CAST(:models AS text[])))
  AND (CAST(:stages AS text[]) IS NULL OR c.stage = ANY(CAST(:stages AS text[])))
