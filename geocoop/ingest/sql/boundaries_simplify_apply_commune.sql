-- Stored communes (not in this import) whose simplified edges moved when their zone was
-- simplified again with the staged ones; staged communes take theirs in the merge.
UPDATE territory AS t
SET geom_simplified = n.geom, updated_at = now()
FROM (
    SELECT code, ST_Multi(ST_CollectionExtract(
               ST_Transform(ST_SetSRID(geom, srid), 4326), 3)) AS geom
    FROM stg_simplified AS s
    WHERE NOT EXISTS (SELECT 1 FROM res_geom AS g WHERE g.level = 'commune' AND g.code = s.code)
) AS n
WHERE t.level = 'commune' AND t.code = n.code
  AND ST_AsBinary(t.geom_simplified) IS DISTINCT FROM ST_AsBinary(n.geom)
