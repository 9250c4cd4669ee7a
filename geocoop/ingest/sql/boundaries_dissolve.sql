-- EPCI, départements and régions dissolved from their member communes: populations summed,
-- the dominant département/région of the members; the polygons at both resolutions are
-- the coverage unions computed with the commune simplification (stg_dissolved,
-- boundaries_simplify.simplify_communes), projected back to EPSG:4326.
INSERT INTO res_geom (level, code, geom, geom_simplified, population, population_year,
                      region_code, departement_code, parts)
SELECT :level, m.code,
       ST_Multi(ST_CollectionExtract(ST_Transform(ST_SetSRID(d.geom, d.srid), 4326), 3)),
       ST_Multi(ST_CollectionExtract(
           ST_Transform(ST_SetSRID(d.geom_simplified, d.srid), 4326), 3)),
       m.population, m.population_year, m.region_code,
       CASE WHEN :level = 'region' THEN NULL ELSE m.departement_code END, m.parts
FROM (
    SELECT k.code, sum(c.population) AS population, max(c.population_year) AS population_year,
           mode() WITHIN GROUP (ORDER BY c.region_code) AS region_code,
           mode() WITHIN GROUP (ORDER BY c.departement_code) AS departement_code,
           count(*) AS parts
    FROM territory AS c
    CROSS JOIN LATERAL (
        SELECT CASE :level WHEN 'epci' THEN c.epci_code
                           WHEN 'departement' THEN c.departement_code
                           ELSE c.region_code END AS code
    ) AS k
    WHERE c.level = 'commune' AND k.code = ANY(:codes)
    GROUP BY k.code
) AS m
LEFT JOIN stg_dissolved AS d ON d.level = :level AND d.code = m.code
