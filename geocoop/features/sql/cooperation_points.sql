-- Locations of cooperations by id (CRS84, 6 decimals), for lines between pairs in the
-- GeoJSON answers of /api/analysis; unlocated cooperations give no row.
SELECT id, ST_X(location) AS x, ST_Y(location) AS y
FROM cooperation
WHERE id = ANY(CAST(:ids AS integer[])) AND location IS NOT NULL
