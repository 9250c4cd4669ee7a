-- Territories whose code equals :code or whose search key contains :key, best first:
-- exact code, exact name, name prefix, then larger levels and larger populations.
-- Communes are also found by a former or delegated name starting with :key
-- (commune_alias: « Morez » → Hauts de Bienne): an exact former name ranks after the
-- exact current names and before the names merely starting with :key.
WITH hit AS (
    SELECT t.id, NULL::text AS alias, (t.name_search = :key) AS exact,
           (t.name_search LIKE :key || '%') AS prefix
    FROM territory AS t
    WHERE t.code = :code
       OR (:key <> '' AND t.name_search LIKE '%' || :key || '%')
    UNION ALL
    SELECT t.id, a.name, (a.name_search = :key), true
    FROM commune_alias AS a
    JOIN territory AS t ON t.level = 'commune' AND t.code = a.code
    WHERE :key <> '' AND a.name_search LIKE :key || '%'
), best AS (
    SELECT DISTINCT ON (id) id, alias, exact, prefix
    FROM hit
    ORDER BY id, exact DESC, prefix DESC, (alias IS NULL) DESC, alias
)
SELECT t.level,
       t.code,
       t.name,
       b.alias AS former_name,
       t.departement_code,
       t.population,
       ST_XMin(x.box) AS west, ST_YMin(x.box) AS south,
       ST_XMax(x.box) AS east, ST_YMax(x.box) AS north
FROM best AS b
JOIN territory AS t ON t.id = b.id
CROSS JOIN LATERAL (SELECT ST_Envelope(COALESCE(t.geom_simplified, t.geom)) AS box) AS x
ORDER BY (t.code = :code) DESC,
         b.exact DESC,
         b.prefix DESC,
         (b.alias IS NULL) DESC,
         array_position(ARRAY['region', 'departement', 'epci', 'commune']::text[], t.level::text),
         t.population DESC NULLS LAST,
         t.name
LIMIT :limit
