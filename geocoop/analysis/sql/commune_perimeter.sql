-- Perimeter rule, one kind: a commune is covered when a cooperation's perimeter_codes name
-- it (INSEE code) or its EPCI (SIREN), or when the perimeter polygon covers at least
-- :area_share of its area (ratio of planar areas in lon/lat: the distortion cancels out
-- at the scale of a commune). The best match (largest share, then lowest id) is kept.
WITH m AS (
  SELECT t.code, p.id,
         CASE WHEN t.code = ANY (p.perimeter_codes) THEN 'commune_code'
              WHEN t.epci_code = ANY (p.perimeter_codes) THEN 'epci_code'
              ELSE 'area_share' END AS via,
         CASE WHEN t.code = ANY (p.perimeter_codes) OR t.epci_code = ANY (p.perimeter_codes)
                THEN 1.0
              WHEN ST_Covers(p.perimeter, t.geom) THEN 1.0
              ELSE ST_Area(ST_Intersection(p.perimeter, t.geom)) / NULLIF(ST_Area(t.geom), 0)
         END AS share
  FROM analysis_perims p
  JOIN analysis_communes t
    ON t.code = ANY (p.perimeter_codes)
    OR t.epci_code = ANY (p.perimeter_codes)
    OR (t.geom && p.perimeter AND ST_Intersects(t.geom, p.perimeter))
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
