-- Perimeters of the cooperations matching the map filters (PAT, TZCLD… given as lists of
-- territories or polygons), simplified for display: 300 m in Web Mercator metres, then
-- 5 decimals (≈ 1 m). The analysis always uses the full perimeter; this is only a drawing.
SELECT c.id, c.name, c.kind_code, c.stage,
       ST_AsGeoJSON(
           ST_Transform(
               ST_SimplifyPreserveTopology(ST_Transform(c.perimeter, 3857), 300), 4326
           ),
           5
       ) AS geometry
FROM cooperation AS c
JOIN kind AS k ON k.code = c.kind_code
WHERE c.perimeter IS NOT NULL
  AND (CAST(:kinds AS text[]) IS NULL OR c.kind_code = ANY(CAST(:kinds AS text[])))
  -- the effective category, as in the figures and the markers (cooperations.sql)
  AND (CAST(:categories AS text[]) IS NULL
       OR COALESCE(c.category, k.default_category) = ANY(CAST(:categories AS text[])))
  AND (CAST(:models AS text[]) IS NULL
       OR c.socio_economic_model = ANY(CAST(:models AS text[])))
  AND (CAST(:stages AS text[]) IS NULL OR c.stage = ANY(CAST(:stages AS text[])))
ORDER BY ST_Area(c.perimeter) DESC, c.id  -- small perimeters drawn last, on top
