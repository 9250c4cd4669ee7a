-- Territories whose code equals :code or whose search key contains :key, best first:
-- exact code, exact name, name prefix, then larger levels and larger populations.
SELECT t.level,
       t.code,
       t.name,
       t.departement_code,
       t.population,
       ST_XMin(b.box) AS west, ST_YMin(b.box) AS south,
       ST_XMax(b.box) AS east, ST_YMax(b.box) AS north
FROM territory AS t
CROSS JOIN LATERAL (SELECT ST_Envelope(COALESCE(t.geom_simplified, t.geom)) AS box) AS b
WHERE t.code = :code
   OR (:key <> '' AND t.name_search LIKE '%' || :key || '%')
ORDER BY (t.code = :code) DESC,
         (t.name_search = :key) DESC,
         (t.name_search LIKE :key || '%') DESC,
         array_position(ARRAY['region', 'departement', 'epci', 'commune']::text[], t.level::text),
         t.population DESC NULLS LAST,
         t.name
LIMIT :limit
