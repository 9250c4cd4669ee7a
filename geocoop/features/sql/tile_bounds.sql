-- (fragment: the `bounds` CTE body of every tile statement) Tile :z/:x/:y as its Web
-- Mercator envelope (env), and in WGS 84 widened by the 64-unit buffer (env4326) so that
-- shapes crossing the tile's edge are kept.
SELECT ST_TileEnvelope(CAST(:z AS integer), CAST(:x AS integer), CAST(:y AS integer)) AS env,
       ST_Transform(
           ST_TileEnvelope(CAST(:z AS integer), CAST(:x AS integer), CAST(:y AS integer),
                           margin => 64.0 / 4096), 4326) AS env4326
