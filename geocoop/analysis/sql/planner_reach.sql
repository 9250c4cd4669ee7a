-- Developer-posts planner, the candidates: every commune in scope as a possible post, with
-- the demand communes (:demand) whose point lies within :radius_m metres of its point, on
-- the spheroid. The polygons' index prefilters (a commune's point lies in its polygon;
-- analysis_expand_m is a safe metric box); candidates that reach nothing are left out.
SELECT a.code, a.name, a.region_code, a.departement_code,
       ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat,
       array_agg(b.code ORDER BY b.code) AS reach
FROM territory AS a
JOIN territory AS b
  ON b.level = 'commune'
 AND b.geom && analysis_expand_m(a.label_point, :radius_m)
 AND b.code = ANY (CAST(:demand AS text[]))
 AND ST_DWithin(CAST(a.label_point AS geography), CAST(b.label_point AS geography), :radius_m)
WHERE a.level = 'commune'
  AND a.label_point IS NOT NULL
  AND (CAST(:parent_level AS text) IS NULL
    OR (CAST(:parent_level AS text) = 'departement'
        AND a.departement_code = CAST(:parent_code AS text))
    OR (CAST(:parent_level AS text) = 'region' AND a.region_code = CAST(:parent_code AS text)))
GROUP BY a.code, a.name, a.region_code, a.departement_code, a.label_point;
