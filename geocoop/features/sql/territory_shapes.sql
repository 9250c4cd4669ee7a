-- Light outlines of territories named by (level, code), as GeoJSON (CRS84, 6 decimals:
-- ~0.1 m), for the GeoJSON answers of /api/analysis: the generalised boundary the map and
-- the roll-up collections use, the full one where none is stored.
SELECT t.level, t.code,
       ST_AsGeoJSON(coalesce(t.geom_simplified, t.geom), 6) AS geometry
FROM territory t
JOIN unnest(CAST(:levels AS text[]), CAST(:codes AS text[])) AS wanted(level, code)
  ON t.level = wanted.level AND t.code = wanted.code
