-- Communes of :kind whose stored figures one cooperation (:id) may change: those it was the
-- nearest or perimeter match of (before), those its current point is at least as close to
-- as their stored nearest (after), and those its current perimeter reaches.
WITH c AS (
  SELECT location, perimeter, perimeter_codes FROM cooperation
  WHERE id = :id AND kind_code = :kind
)
SELECT s.commune_code
FROM analysis_commune_kind s
JOIN territory t ON t.level = 'commune' AND t.code = s.commune_code
LEFT JOIN c ON true
WHERE s.kind_code = :kind
  AND (s.nearest_cooperation_id = :id
       OR s.perimeter_cooperation_id = :id
       OR (c.location IS NOT NULL
           AND (s.nearest_edge_m IS NULL
                OR (t.geom && analysis_expand_m(c.location, s.nearest_edge_m + 1.0)
                    AND ST_Distance(c.location::geography, t.geom::geography)
                        <= s.nearest_edge_m + 0.01)))
       OR t.code = ANY (c.perimeter_codes)
       OR t.epci_code = ANY (c.perimeter_codes)
       OR (c.perimeter IS NOT NULL AND t.geom && c.perimeter
           AND ST_Intersects(t.geom, c.perimeter)));
