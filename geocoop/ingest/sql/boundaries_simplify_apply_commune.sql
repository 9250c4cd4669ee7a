-- Simplified communes back to EPSG:4326: into the staged rows (written by the merge that
-- follows), and into stored neighbours whose simplified edges moved.
WITH n AS (
    SELECT code, ST_Multi(ST_CollectionExtract(
               ST_Transform(ST_SetSRID(geom, srid), 4326), 3)) AS geom
    FROM stg_simplified
),
staged AS (
    UPDATE res_geom AS g SET geom_simplified = n.geom
    FROM n WHERE g.level = 'commune' AND g.code = n.code
    RETURNING g.code
)
UPDATE territory AS t
SET geom_simplified = n.geom, updated_at = now()
FROM n
WHERE t.level = 'commune' AND t.code = n.code
  AND NOT EXISTS (SELECT 1 FROM res_geom AS g WHERE g.level = 'commune' AND g.code = n.code)
  AND ST_AsBinary(t.geom_simplified) IS DISTINCT FROM ST_AsBinary(n.geom)
