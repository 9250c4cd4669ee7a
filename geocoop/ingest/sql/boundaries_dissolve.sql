-- EPCI and départements dissolved from their member communes at full resolution
-- (ST_Union, ordered so the result is deterministic), populations summed; the dominant
-- département/région of the members. The simplified resolution is a coverage union
-- (boundaries_simplify.dissolve_simplified).
INSERT INTO res_geom (level, code, geom, population, population_year, region_code,
                      departement_code, parts)
SELECT :level, k.code,
       ST_Multi(ST_CollectionExtract(ST_Union(c.geom ORDER BY c.code), 3)),
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
