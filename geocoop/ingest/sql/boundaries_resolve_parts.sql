-- Repair each staged polygon, then one geometry per current commune: its own polygon, or
-- the union of its former / delegated communes' polygons (communes nouvelles).
CREATE TEMP TABLE res_part ON COMMIT DROP AS
SELECT code, part_code, file, seq, valid AS was_valid,
       CASE WHEN valid THEN g
            ELSE ST_CollectionExtract(ST_MakeValid(g), 3) END AS geom
FROM (
    SELECT code, part_code, file, seq, ST_SetSRID(geom, 4326) AS g,
           ST_IsValid(ST_SetSRID(geom, 4326)) AS valid
    FROM stg_part
) AS s;
CREATE TEMP TABLE res_geom (
    level text NOT NULL,
    code text NOT NULL,
    geom geometry(MultiPolygon, 4326),
    geom_simplified geometry(MultiPolygon, 4326),
    population integer,
    population_year integer,
    region_code text,
    departement_code text,
    parts integer,
    PRIMARY KEY (level, code)
) ON COMMIT DROP;
INSERT INTO res_geom (level, code, geom, parts)
SELECT 'commune', code,
       ST_Multi(CASE WHEN count(*) = 1 THEN (array_agg(geom))[1]
                     ELSE ST_CollectionExtract(ST_Union(geom ORDER BY part_code), 3) END),
       count(*)
FROM res_part
WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)
GROUP BY code;
