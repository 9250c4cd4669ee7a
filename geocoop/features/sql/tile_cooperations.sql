-- One Mapbox vector tile of located cooperations (points), with what the map styles and
-- shows in popups: kind, its colour and label, name, category, stage.
WITH bounds AS (
    {bounds}  -- tile_bounds.sql
)
SELECT ST_AsMVT(tile, CAST(:layer AS text), 4096, 'geom', 'fid')
FROM (
    SELECT c.id AS fid, c.name, c.kind_code, k.label_fr AS kind_label, k.colour,
           c.category, c.socio_economic_model, c.stage, c.commune_code, c.website,
           ST_AsMVTGeom(ST_Transform(c.location, 3857), b.env, 4096, 64, true) AS geom
    FROM cooperation AS c
    JOIN kind AS k ON k.code = c.kind_code
    CROSS JOIN bounds AS b
    WHERE c.location && b.env4326
    ORDER BY c.id  -- deterministic bytes for identical data
) AS tile
WHERE tile.geom IS NOT NULL
