-- Topology check of one level, at full (:simplified = false) or simplified resolution:
-- overlaps between neighbours and gaps (holes inside the union) larger than :tolerance_m2,
-- areas in m² on the geography. :departements limits the check (NULL = everything).
-- Answer: one row per defect (kind, codes, area_m2); no row means the coverage is clean.
WITH sel AS (
    SELECT CASE WHEN :simplified THEN geom_simplified ELSE geom END AS g
    FROM territory
    WHERE level = :level
      AND (CAST(:departements AS text[]) IS NULL
           OR departement_code = ANY(CAST(:departements AS text[])))
),
pairs AS (  -- neighbours found through the GiST index on territory.geom
    SELECT a.code || ' / ' || b.code AS codes,
           CASE WHEN :simplified THEN a.geom_simplified ELSE a.geom END AS ga,
           CASE WHEN :simplified THEN b.geom_simplified ELSE b.geom END AS gb
    FROM territory AS a
    JOIN territory AS b ON b.level = a.level AND a.id < b.id AND a.geom && b.geom
    WHERE a.level = :level
      AND (CAST(:departements AS text[]) IS NULL
           OR (a.departement_code = ANY(CAST(:departements AS text[]))
               AND b.departement_code = ANY(CAST(:departements AS text[]))))
),
overlap_pairs AS MATERIALIZED (
    SELECT 'overlap'::text AS kind, codes,
           ST_Area(ST_CollectionExtract(ST_Intersection(ga, gb), 3)::geography) AS area_m2
    FROM pairs
    WHERE ST_Relate(ga, gb, '2********')
),
coverage AS (
    SELECT (ST_Dump(ST_Union(g))).geom AS poly FROM sel
),
holes AS MATERIALIZED (
    SELECT 'gap'::text AS kind,
           ST_AsText(ST_PointOnSurface(r.geom), 5) AS codes,
           ST_Area(r.geom::geography) AS area_m2
    FROM coverage AS c
    CROSS JOIN LATERAL ST_DumpRings(c.poly) AS r
    WHERE r.path[1] > 0
)
SELECT kind, codes, round(area_m2::numeric, 1) AS area_m2
FROM (SELECT * FROM overlap_pairs UNION ALL SELECT * FROM holes) AS defects
WHERE area_m2 > :tolerance_m2
ORDER BY area_m2 DESC
