-- Upsert one level from stg_attr + res_geom into territory. A row whose values are all
-- equal is left alone, so re-importing the same files changes nothing. Populations of
-- dissolved levels are the sums computed into res_geom; simplified communes come from
-- stg_simplified (projected back from their zone's CRS). Areas: in metropolitan France,
-- planar in ETRS89-LAEA (EPSG:3035, equal-area: within 1e-8 of the ellipsoidal area
-- nationally, three times faster than geography); elsewhere on the ellipsoid.
WITH src AS (
    SELECT a.level, a.code, a.name, a.name_search,
           COALESCE(g.region_code, a.region_code) AS region_code,
           COALESCE(g.departement_code, a.departement_code) AS departement_code,
           a.epci_code, a.postcodes::varchar(5)[] AS postcodes,
           COALESCE(g.population, a.population) AS population,
           COALESCE(g.population_year, a.population_year) AS population_year,
           a.vintage, g.geom,
           COALESCE(g.geom_simplified, ST_Multi(ST_CollectionExtract(
               ST_Transform(ST_SetSRID(s.geom, s.srid), 4326), 3))) AS geom_simplified
    FROM stg_attr AS a
    JOIN res_geom AS g ON g.level = a.level AND g.code = a.code
    -- communes: simplified with their zone just before (boundaries_simplify)
    LEFT JOIN stg_simplified AS s ON a.level = 'commune' AND s.code = a.code
    WHERE a.level = :level
)
INSERT INTO territory AS t (level, code, name, name_search, region_code, departement_code,
                            epci_code, postcodes, population, population_year, area_km2, geom,
                            geom_simplified, label_point, vintage, updated_at)
SELECT level, code, name, name_search, region_code, departement_code, epci_code, postcodes,
       population, population_year,
       CASE WHEN geom @ ST_MakeEnvelope(-5.5, 41.0, 10.0, 51.5, 4326)
            THEN ST_Area(ST_Transform(geom, 3035)) ELSE ST_Area(geom::geography) END / 1e6,
       geom, geom_simplified,
       ST_PointOnSurface(geom), vintage, now()
FROM src
ON CONFLICT (level, code) DO UPDATE SET
    name = EXCLUDED.name, name_search = EXCLUDED.name_search,
    region_code = EXCLUDED.region_code, departement_code = EXCLUDED.departement_code,
    epci_code = EXCLUDED.epci_code, postcodes = EXCLUDED.postcodes,
    population = EXCLUDED.population, population_year = EXCLUDED.population_year,
    area_km2 = EXCLUDED.area_km2, geom = EXCLUDED.geom,
    geom_simplified = COALESCE(EXCLUDED.geom_simplified, t.geom_simplified),
    label_point = EXCLUDED.label_point, vintage = EXCLUDED.vintage, updated_at = now()
WHERE (t.name, t.name_search, t.region_code, t.departement_code, t.epci_code, t.postcodes,
       t.population, t.population_year, t.vintage, ST_AsBinary(t.geom),
       ST_AsBinary(COALESCE(EXCLUDED.geom_simplified, t.geom_simplified)))
      IS DISTINCT FROM
      (EXCLUDED.name, EXCLUDED.name_search, EXCLUDED.region_code, EXCLUDED.departement_code,
       EXCLUDED.epci_code, EXCLUDED.postcodes, EXCLUDED.population, EXCLUDED.population_year,
       EXCLUDED.vintage, ST_AsBinary(EXCLUDED.geom), ST_AsBinary(t.geom_simplified))
RETURNING (xmax = 0) AS inserted
