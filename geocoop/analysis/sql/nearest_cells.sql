-- Set-based nearest search, step 1 (many communes; commune_distance.sql answers a few):
-- the planar Voronoi cells of the loaded points, each with one point of its site (the
-- lowest id when several share a location), extended over every commune in scope. A
-- commune's candidate is the point of the cell holding its point-on-surface: any point
-- would be exact (nearest_candidates.sql bounds the others by its distance), a near one
-- keeps the box small.
INSERT INTO analysis_cells (id, cell)
SELECT (SELECT p.id FROM analysis_pts p
        WHERE p.location && v.cell AND ST_Intersects(v.cell, p.location)
        ORDER BY p.id LIMIT 1),
       v.cell
FROM (
  SELECT (ST_Dump(ST_VoronoiPolygons(
            ST_Collect(p.location), 0.0,
            (SELECT ST_SetSRID(ST_Extent(t.geom)::geometry, 4326) FROM analysis_communes t)
         ))).geom AS cell
  FROM analysis_pts p
) v;
