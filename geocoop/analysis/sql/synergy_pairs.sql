-- Potential links: pairs of cooperations (a_id < b_id) with a positive complementarity
-- weight whose points are within :max_distance_m (geodesic) or whose perimeters overlap
-- (shared area, not just a shared border). :only_id restricts to the pairs of one
-- cooperation (incremental refresh), :kinds to the pairs with a cooperation of those kinds
-- (a refresh by kind: the other pairs did not change). Weights come from complementarity.yaml as parallel
-- arrays (:wa, :wb, :ww), both orders listed.
WITH w AS (
  SELECT * FROM unnest(CAST(:wa AS text[]), CAST(:wb AS text[]), CAST(:ww AS float8[]))
    AS w(a, b, weight)
), src AS (
  SELECT * FROM cooperation
  WHERE (CAST(:only_id AS integer) IS NULL OR id = CAST(:only_id AS integer))
    AND (CAST(:kinds AS text[]) IS NULL OR kind_code = ANY (CAST(:kinds AS text[])))
), near AS (
  SELECT least(a.id, b.id) AS a_id, greatest(a.id, b.id) AS b_id,
         ST_Distance(a.location::geography, b.location::geography) AS distance_m
  FROM src a
  JOIN cooperation b
    ON b.location && analysis_expand_m(a.location, :max_distance_m)
   AND b.id <> a.id
   -- each pair once: from its lower id, unless only one side is a source row
   AND (CAST(:only_id AS integer) IS NOT NULL OR a.id < b.id
        OR (CAST(:kinds AS text[]) IS NOT NULL AND b.kind_code <> ALL (CAST(:kinds AS text[]))))
   AND ST_DWithin(a.location::geography, b.location::geography, :max_distance_m)
  WHERE a.location IS NOT NULL
), overlap AS (
  SELECT least(a.id, b.id) AS a_id, greatest(a.id, b.id) AS b_id
  FROM src a
  JOIN cooperation b
    ON b.perimeter && a.perimeter
   AND b.id <> a.id
   AND (CAST(:only_id AS integer) IS NOT NULL OR a.id < b.id
        OR (CAST(:kinds AS text[]) IS NOT NULL AND b.kind_code <> ALL (CAST(:kinds AS text[]))))
   AND ST_Relate(a.perimeter, b.perimeter, 'T********')
  WHERE a.perimeter IS NOT NULL
), pairs AS (
  SELECT COALESCE(n.a_id, o.a_id) AS a_id, COALESCE(n.b_id, o.b_id) AS b_id,
         n.distance_m, o.a_id IS NOT NULL AS overlap
  FROM near n FULL JOIN overlap o ON o.a_id = n.a_id AND o.b_id = n.b_id
)
INSERT INTO analysis_synergy_pair (a_id, b_id, distance_m, perimeters_overlap, weight,
                                   proximity, score)
SELECT p.a_id, p.b_id, p.distance_m, p.overlap, w.weight, x.proximity,
       round((w.weight * x.proximity)::numeric, 4)::float
FROM pairs p
JOIN cooperation ca ON ca.id = p.a_id
JOIN cooperation cb ON cb.id = p.b_id
JOIN w ON w.a = ca.kind_code AND w.b = cb.kind_code
CROSS JOIN LATERAL (
  SELECT CASE WHEN p.overlap THEN 1.0
              ELSE round((1.0 - p.distance_m / :max_distance_m)::numeric, 4)::float END
    AS proximity
) x
WHERE w.weight > 0;
