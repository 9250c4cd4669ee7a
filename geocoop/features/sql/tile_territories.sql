-- One Mapbox vector tile of a territory level (:level), layer :layer.
-- Below zoom :detail_zoom the generalised boundary (geom_simplified) is used: at those
-- scales a pixel is hundreds of metres, and ST_AsMVTGeom snaps to the 4096 grid anyway.
-- The 4326 envelope is widened by the 64-unit buffer so shapes crossing the edge are kept.
WITH bounds AS (
    {bounds}  -- tile_bounds.sql
)
SELECT ST_AsMVT(tile, CAST(:layer AS text), 4096, 'geom', 'fid')
FROM (
    SELECT t.id AS fid, t.code, t.name, t.population, t.area_km2,
           t.region_code, t.departement_code, t.epci_code,
           ST_AsMVTGeom(
               ST_Transform(
                   CASE WHEN CAST(:z AS integer) < CAST(:detail_zoom AS integer)
                        THEN coalesce(t.geom_simplified, t.geom) ELSE t.geom END, 3857),
               b.env, 4096, 64, true) AS geom
    FROM territory AS t, bounds AS b
    WHERE t.level = CAST(:level AS text) AND t.geom && b.env4326
    ORDER BY t.code  -- deterministic bytes for identical data
) AS tile
WHERE tile.geom IS NOT NULL
