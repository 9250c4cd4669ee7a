-- Simplified geometries back to EPSG:4326; only rows that changed are written.
UPDATE territory AS t
SET geom_simplified = n.geom, updated_at = now()
FROM (
    SELECT id, ST_Multi(ST_CollectionExtract(
               ST_Transform(ST_SetSRID(geom, srid), 4326), 3)) AS geom
    FROM stg_simplified
) AS n
WHERE t.id = n.id AND ST_AsBinary(t.geom_simplified) IS DISTINCT FROM ST_AsBinary(n.geom)
