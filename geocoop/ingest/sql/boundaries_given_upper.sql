-- EPCI / département / région polygons given by a file replace the dissolved ones.
INSERT INTO res_geom AS r (level, code, geom, parts)
SELECT level, code, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(geom, 4326)), 3)), 1
FROM stg_upper
WHERE level = :level
ON CONFLICT (level, code) DO UPDATE SET geom = EXCLUDED.geom, geom_simplified = NULL
