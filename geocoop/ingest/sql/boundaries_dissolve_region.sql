-- Régions dissolved from their départements (fewer, larger pieces than communes).
INSERT INTO res_geom (level, code, geom, population, population_year, region_code, parts)
SELECT 'region', d.region_code,
       ST_Multi(ST_CollectionExtract(ST_Union(d.geom ORDER BY d.code), 3)),
       sum(d.population), max(d.population_year), d.region_code, count(*)
FROM territory AS d
WHERE d.level = 'departement' AND d.region_code = ANY(:codes)
GROUP BY d.region_code
