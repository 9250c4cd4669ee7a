-- Cooperations located in the territory or within :radius_m metres of its boundary,
-- nearest first (distance 0 inside); distances on geography, in metres. Filters as in
-- cooperations.sql (a NULL parameter means no filter).
SELECT c.id, c.name, c.kind_code, k.label_fr, k.label_en, k.colour, k.icon,
       c.category, c.socio_economic_model, c.stage, c.governance, c.website,
       c.commune_code,
       ST_X(c.location) AS lon, ST_Y(c.location) AS lat,
       round(ST_Distance(c.location::geography, t.geom::geography))::int AS distance_m
FROM territory AS t
JOIN cooperation AS c
  ON c.location IS NOT NULL
 AND ST_DWithin(c.location::geography, t.geom::geography, :radius_m)
JOIN kind AS k ON k.code = c.kind_code
WHERE t.id = :territory_id
  AND (CAST(:kinds AS text[]) IS NULL OR c.kind_code = ANY(CAST(:kinds AS text[])))
  AND (CAST(:categories AS text[]) IS NULL
       OR COALESCE(c.category, k.default_category) = ANY(CAST(:categories AS text[])))
  AND (CAST(:models AS text[]) IS NULL
       OR c.socio_economic_model = ANY(CAST(:models AS text[])))
  AND (CAST(:stages AS text[]) IS NULL OR c.stage = ANY(CAST(:stages AS text[])))
ORDER BY distance_m, c.name
LIMIT :limit
