-- One Mapbox vector tile of `coverage-wide-<level>` (:level is epci, departement or
-- region; the parent column of its communes is the identifier filled in by the tile
-- source): one feature per territory of that level, its population and communes (those
-- with a boundary, as the stored roll-ups count them), and one attribute
-- covered_pct_<kind> per kind (tile_wide_covered_pct.sql, once per kind of the layer):
-- the share of population covered (rule "any", distance or perimeter) from the stored
-- roll-up (analysis_rollup). A kind without data, or a territory without population,
-- gives NULL, which ST_AsMVT leaves out: absent means unknown, not 0 %. Same figures as
-- the OGC layer.
WITH bounds AS (
    {bounds}  -- tile_bounds.sql
),
communes AS (  -- the communes of the territories in the tile, counted per territory
    SELECT c.{parent} AS code,
           sum(coalesce(c.population, 0)) AS population,
           count(*) AS communes_total
    FROM territory AS c
    WHERE c.level = 'commune' AND c.geom IS NOT NULL
      AND c.{parent} IN (
          SELECT p.code FROM territory AS p, bounds AS b
          WHERE p.level = CAST(:level AS text) AND p.geom && b.env4326)
    GROUP BY c.{parent}
)
SELECT ST_AsMVT(tile, CAST(:layer AS text), 4096, 'geom', 'fid')
FROM (
    SELECT s.id AS fid, s.code, s.name, CAST(n.population AS integer) AS population,
           CAST(n.communes_total AS integer) AS communes_total,
           shares.*,
           ST_AsMVTGeom(
               ST_Transform(
                   CASE WHEN CAST(:z AS integer) < CAST(:detail_zoom AS integer)
                        THEN coalesce(s.geom_simplified, s.geom) ELSE s.geom END, 3857),
               b.env, 4096, 64, true) AS geom
    FROM territory AS s
    CROSS JOIN bounds AS b
    JOIN communes AS n ON n.code = s.code  -- territories with communes only, as the OGC layer
    CROSS JOIN LATERAL (  -- an aggregate without GROUP BY: always one row
        SELECT {per_kind}
        FROM analysis_rollup AS r
        WHERE r.kinds = ANY (CAST(:kinds AS text[]))  -- the primary key's first column
          AND r.rule = 'any' AND r.parent_level = '' AND r.parent_code = ''
          AND r.level = CAST(:level AS text) AND r.code = s.code
          AND EXISTS (SELECT 1 FROM analysis_commune_kind AS a WHERE a.kind_code = r.kinds)
    ) AS shares
    WHERE s.level = CAST(:level AS text) AND s.geom && b.env4326
    ORDER BY s.code  -- deterministic bytes for identical data
) AS tile
WHERE tile.geom IS NOT NULL
