-- Members of zone :zone (kind :kind) within :radius_m metres of the bounding box of
-- :communes, and the adjacent pairs among them (a < b; a IS NULL marks a node row).
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
FROM w wa
JOIN analysis_adjacency j ON j.a = wa.commune_code
JOIN w wb ON wb.commune_code = j.b
WHERE j.a < j.b;
