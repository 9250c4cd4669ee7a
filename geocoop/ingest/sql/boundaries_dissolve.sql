-- EPCI and départements dissolved from their member communes (full and simplified
-- resolutions), populations summed; the dominant département/région of the members.
INSERT INTO res_geom (level, code, geom, geom_simplified, population, population_year,
                      region_code, departement_code, parts)
SELECT :level, k.code,
       ST_Multi(ST_CollectionExtract(ST_Union(c.geom ORDER BY c.code), 3)),
       ST_Multi(ST_CollectionExtract(ST_Union(c.geom_simplified ORDER BY c.code), 3)),
       sum(c.population), max(c.population_year),
       mode() WITHIN GROUP (ORDER BY c.region_code),
       mode() WITHIN GROUP (ORDER BY c.departement_code),
       count(*)
FROM territory AS c
CROSS JOIN LATERAL (
    SELECT CASE WHEN :level = 'epci' THEN c.epci_code ELSE c.departement_code END AS code
) AS k
WHERE c.level = 'commune' AND k.code = ANY(:codes)
GROUP BY k.code
