-- Coverage unions of the simplified pieces into the staged rows of one level.
UPDATE res_geom AS g
SET geom_simplified = ST_Multi(ST_CollectionExtract(ST_SetSRID(s.geom, 4326), 3))
FROM stg_simplified AS s
WHERE g.level = :level AND g.code = s.code
