-- An organisation's cooperations for its export: those of the source named by its slug
-- (the ownership rule of source_owner.sql), each with its editable state (the snapshot of
-- migration 0016) and its geometry as GeoJSON (the perimeter when drawn, else the point), and as WKT for the CSV.
SELECT c.id,
       geocoop_coop_snapshot(c) AS state,
       ST_AsGeoJSON(COALESCE(c.perimeter, c.location), 6)::jsonb AS geometry,
       ST_AsText(COALESCE(c.perimeter, c.location), 6) AS wkt
FROM cooperation AS c
WHERE c.source = :slug
ORDER BY c.id
