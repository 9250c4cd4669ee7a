-- One Mapbox vector tile of commune coverage for one kind (:kind), from the stored
-- analysis (analysis_commune_kind): covered or not, by which rule, nearest distance, and
-- the white zone the commune belongs to. Generalised below :detail_zoom like territories.
WITH bounds AS (
    {bounds}  -- tile_bounds.sql
)
SELECT ST_AsMVT(tile, CAST(:layer AS text), 4096, 'geom', 'fid')
FROM (
    SELECT t.id AS fid, t.code, t.name, t.population, t.departement_code, t.epci_code,
           a.kind_code, k.label_fr AS kind_label, (a.covered_distance OR a.covered_perimeter) AS covered,
           a.covered_distance, a.covered_perimeter, round(a.nearest_edge_m) AS nearest_edge_m,
           a.nearest_cooperation_id, a.zone_id,
           ST_AsMVTGeom(
               ST_Transform(
                   CASE WHEN CAST(:z AS integer) < CAST(:detail_zoom AS integer)
                        THEN coalesce(t.geom_simplified, t.geom) ELSE t.geom END, 3857),
               b.env, 4096, 64, true) AS geom
    FROM territory AS t
    JOIN analysis_commune_kind AS a
      ON a.commune_code = t.code AND a.kind_code = CAST(:kind AS text)
    JOIN kind AS k ON k.code = a.kind_code
    CROSS JOIN bounds AS b
    WHERE t.level = 'commune' AND t.geom && b.env4326
    ORDER BY t.code  -- deterministic bytes for identical data
) AS tile
WHERE tile.geom IS NOT NULL
