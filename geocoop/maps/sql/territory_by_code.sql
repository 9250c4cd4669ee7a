-- One territory by code (and level when given), with its simplified outline as GeoJSON
-- and its parents' names; when no level is given the finest level wins.
SELECT t.id, t.level, t.code, t.name, t.population, t.population_year, t.area_km2,
       t.region_code, t.departement_code, t.epci_code, t.vintage,
       ST_AsGeoJSON(COALESCE(t.geom_simplified, t.geom), 5)::json AS geometry,
       ST_XMin(b.box) AS west, ST_YMin(b.box) AS south,
       ST_XMax(b.box) AS east, ST_YMax(b.box) AS north,
       (SELECT name FROM territory WHERE level = 'departement'
          AND code = t.departement_code) AS departement_name,
       (SELECT name FROM territory WHERE level = 'epci' AND code = t.epci_code) AS epci_name,
       (SELECT name FROM territory WHERE level = 'region' AND code = t.region_code) AS region_name,
       (SELECT count(*) FROM territory AS c WHERE c.level = 'commune' AND t.level <> 'commune'
          AND ((t.level = 'epci' AND c.epci_code = t.code)
            OR (t.level = 'departement' AND c.departement_code = t.code)
            OR (t.level = 'region' AND c.region_code = t.code))) AS commune_count
FROM territory AS t
CROSS JOIN LATERAL (SELECT ST_Envelope(COALESCE(t.geom_simplified, t.geom)) AS box) AS b
WHERE t.code = :code AND (CAST(:level AS text) IS NULL OR t.level = :level)
ORDER BY array_position(ARRAY['commune', 'epci', 'departement', 'region']::text[],
                        t.level::text)
LIMIT 1
