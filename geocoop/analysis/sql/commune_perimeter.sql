-- Perimeter rule, one kind: a commune is covered when a cooperation's perimeter names it
-- (its own code, its EPCI, département or région: analysis_perim_communes, filled by
-- load_kind without geometry), or, for a perimeter given only as a polygon, when the
-- polygon covers at least :area_share of its area (ratio of planar areas in lon/lat: the
-- distortion cancels out at the scale of a commune). The best match (largest share, then
-- lowest id) is kept.
WITH m AS (
  SELECT t.code, pc.id, pc.via, 1.0 AS share
  FROM analysis_perim_communes pc
  JOIN analysis_communes t ON t.code = pc.code
  UNION ALL
  SELECT t.code, p.id, 'area_share',
         CASE WHEN ST_Covers(p.perimeter, t.geom) THEN 1.0
              ELSE ST_Area(ST_Intersection(p.perimeter, t.geom)) / NULLIF(ST_Area(t.geom), 0)
         END
  FROM analysis_perims p
  JOIN analysis_communes t ON t.geom && p.perimeter AND ST_Intersects(t.geom, p.perimeter)
  WHERE NOT p.coded AND p.perimeter IS NOT NULL
), best AS (
  SELECT DISTINCT ON (code) code, id, via, share
  FROM m
  WHERE share >= :area_share
  ORDER BY code, share DESC, id
)
UPDATE analysis_work w
SET perimeter_cooperation_id = b.id, perimeter_via = b.via,
    perimeter_share = round(b.share::numeric, 4)::float, covered_perimeter = true
FROM best b
WHERE w.kind_code = :kind AND w.commune_code = b.code;
