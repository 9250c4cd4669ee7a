-- Members of zone :zone (kind :kind) within :radius_m metres of the bounding box of
-- :communes, and the adjacent pairs among them (a < b; a IS NULL marks a node row). The
-- far end of each pair is looked up by key, so the plan stays linear.
WITH box AS (
  SELECT analysis_expand_m(ST_Envelope(ST_Collect(geom)), :radius_m) AS g
  FROM territory WHERE level = 'commune' AND code = ANY (CAST(:communes AS text[]))
), w AS (
  SELECT s.commune_code
  FROM box
  JOIN territory t ON t.level = 'commune' AND t.geom && box.g
  JOIN analysis_commune_kind s
    ON s.kind_code = :kind AND s.commune_code = t.code AND s.zone_id = :zone
)
SELECT NULL AS a, w.commune_code AS b FROM w
UNION ALL
SELECT j.a, j.b
FROM w
JOIN analysis_adjacency j ON j.a = w.commune_code AND j.a < j.b
JOIN analysis_commune_kind sb
  ON sb.kind_code = :kind AND sb.commune_code = j.b AND sb.zone_id = :zone
JOIN territory tb ON tb.level = 'commune' AND tb.code = j.b
CROSS JOIN box
WHERE tb.geom && box.g;
