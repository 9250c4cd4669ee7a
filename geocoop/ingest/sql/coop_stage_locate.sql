-- Geometry of the staged rows, in order: exact points, polygons given by the file,
-- perimeters as the union of their territories (unless coop_stage_reuse_perimeter.sql
-- kept the stored one), commune label points (guaranteed inside the commune), a point
-- inside each perimeter, then the commune containing each point.

UPDATE coop_stage
SET location = ST_SetSRID(ST_MakePoint(lon, lat), 4326)
WHERE location_precision = 'coordinates';

UPDATE coop_stage
SET perimeter = ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_GeomFromText(geometry_wkt, 4326)), 3))
WHERE geometry_wkt IS NOT NULL;

-- Perimeter unions in two stages (issue 14): the territories of each perimeter, the
-- communes grouped by their EPCI; a group holding all of its EPCI's communes takes the
-- cached union of that EPCI (perimeter_epci_union, migration 0022), any other group the
-- union of its communes; then the pieces of each perimeter are unioned. Same polygons as
-- one ST_Union(t.geom) over all the territories, up to rounding slivers (< 1e-6 m² on the
-- national PAT file; benchmarks/bench_pat_import.py, tests/test_perimeter_pieces.py).
DROP TABLE IF EXISTS coop_stage_member;
CREATE TEMP TABLE coop_stage_member AS
SELECT DISTINCT s.line, t.id, t.level, t.code,
       CASE WHEN t.level = 'commune' THEN t.epci_code END AS epci_code
FROM coop_stage s
CROSS JOIN LATERAL unnest(s.perimeter_codes) AS pc(key)
JOIN territory t
  ON t.level = split_part(pc.key, ':', 1) AND t.code = split_part(pc.key, ':', 2)
WHERE s.geometry_wkt IS NULL AND s.perimeter IS NULL AND t.geom IS NOT NULL;

-- The EPCIs some staged perimeter holds whole, with the hash of their current members:
-- their codes and when each was last written (a boundaries import stamps updated_at on
-- every territory whose polygon or attributes changed, boundaries_merge_territory.sql, as
-- coop_stage_reuse_perimeter.sql relies on; hashing the polygons themselves cost 3.8 s).
DROP TABLE IF EXISTS coop_stage_whole;
CREATE TEMP TABLE coop_stage_whole AS
SELECT DISTINCT e.epci_code, e.members, e.members_hash
FROM (
    SELECT t.epci_code, count(*) AS members,
           md5(string_agg(t.code || '@' || extract(epoch FROM t.updated_at)::text, ','
                          ORDER BY t.code)) AS members_hash
    FROM territory t
    WHERE t.level = 'commune' AND t.geom IS NOT NULL
      AND t.epci_code IN (SELECT DISTINCT epci_code FROM coop_stage_member)
    GROUP BY t.epci_code
) e
JOIN (
    SELECT m.line, m.epci_code, count(*) AS n
    FROM coop_stage_member m
    WHERE m.epci_code IS NOT NULL
    GROUP BY m.line, m.epci_code
) g ON g.epci_code = e.epci_code AND g.n = e.members;

-- Missing or stale cached unions (a boundaries import changed a member since).
INSERT INTO perimeter_epci_union AS c (epci_code, members_hash, geom, computed_at)
SELECT w.epci_code, w.members_hash, ST_Union(t.geom), now()
FROM coop_stage_whole w
JOIN territory t ON t.level = 'commune' AND t.epci_code = w.epci_code AND t.geom IS NOT NULL
WHERE NOT EXISTS (
    SELECT 1 FROM perimeter_epci_union u
    WHERE u.epci_code = w.epci_code AND u.members_hash = w.members_hash
)
GROUP BY w.epci_code, w.members_hash
ON CONFLICT (epci_code) DO UPDATE
SET members_hash = EXCLUDED.members_hash, geom = EXCLUDED.geom, computed_at = now();

UPDATE coop_stage s
SET perimeter = u.geom
FROM (
    SELECT p.line, ST_Multi(ST_CollectionExtract(ST_Union(p.geom), 3)) AS geom
    FROM (
        SELECT g.line, CASE WHEN w.epci_code IS NOT NULL THEN c.geom
                            ELSE (SELECT ST_Union(t.geom) FROM territory t
                                  WHERE t.id = ANY(g.ids)) END AS geom
        FROM (
            SELECT m.line, COALESCE('epci:' || m.epci_code, m.level || ':' || m.code) AS piece,
                   m.epci_code, array_agg(m.id) AS ids
            FROM coop_stage_member m
            GROUP BY 1, 2, 3
        ) g
        LEFT JOIN perimeter_epci_union c ON c.epci_code = g.epci_code
        LEFT JOIN coop_stage_whole w
          ON w.epci_code = g.epci_code AND w.members_hash = c.members_hash
         AND cardinality(g.ids) = w.members
    ) p
    GROUP BY p.line
) u
WHERE s.line = u.line;

DROP TABLE coop_stage_member;
DROP TABLE coop_stage_whole;

UPDATE coop_stage s
SET location = COALESCE(t.label_point, ST_PointOnSurface(t.geom))
FROM territory t
WHERE t.level = 'commune' AND t.code = s.commune_code
  AND s.location_precision IN ('insee_code', 'postcode_name', 'commune_name');

UPDATE coop_stage
SET location = geocoop_perimeter_point(perimeter)
WHERE location IS NULL AND perimeter IS NOT NULL
  AND location_precision IN ('geometry', 'perimeter');

-- A point on a shared border touches two communes: the lowest code wins, so that a
-- re-import gives the same answer.
UPDATE coop_stage s
SET commune_code = (
    SELECT t.code FROM territory t
    WHERE t.level = 'commune' AND ST_Intersects(t.geom, s.location)
    ORDER BY t.code
    LIMIT 1
)
WHERE s.commune_code IS NULL AND s.location IS NOT NULL;
