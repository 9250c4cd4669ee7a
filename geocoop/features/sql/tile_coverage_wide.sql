-- One Mapbox vector tile of `coverage-wide`: one feature per commune, one attribute
-- covered_<kind> per kind (tile_wide_covered.sql, once per kind of the layer) from the
-- stored coverage (analysis_commune_kind): true when covered by distance or perimeter,
-- false when not. A kind without data has no stored row, so its value is NULL, which
-- ST_AsMVT leaves out: absent means unknown, never « non couverte » (the OGC layer gives
-- null there). kinds_with_data and kinds_covered as in the OGC layer. Generalised below
-- :detail_zoom like the other commune tiles.
WITH bounds AS (
    {bounds}  -- tile_bounds.sql
)
SELECT ST_AsMVT(tile, CAST(:layer AS text), 4096, 'geom', 'fid')
FROM (
    SELECT t.id AS fid, t.code, t.name, t.population, t.departement_code, t.epci_code,
           per_kind.*,
           ST_AsMVTGeom(
               ST_Transform(
                   CASE WHEN CAST(:z AS integer) < CAST(:detail_zoom AS integer)
                        THEN coalesce(t.geom_simplified, t.geom) ELSE t.geom END, 3857),
               b.env, 4096, 64, true) AS geom
    FROM territory AS t
    CROSS JOIN bounds AS b
    CROSS JOIN LATERAL (  -- an aggregate without GROUP BY: always one row
        SELECT {per_kind},
               count(*) AS kinds_with_data,
               count(*) FILTER (WHERE a.covered_distance OR a.covered_perimeter)
                   AS kinds_covered
        FROM analysis_commune_kind AS a
        WHERE a.commune_code = t.code
    ) AS per_kind
    WHERE t.level = 'commune' AND t.geom && b.env4326
    ORDER BY t.code  -- deterministic bytes for identical data
) AS tile
WHERE tile.geom IS NOT NULL
