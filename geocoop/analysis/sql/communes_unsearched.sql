-- Fragment (the communes of commune_distance.sql and commune_distance_rest.sql): the
-- communes in scope without their row of :kind in analysis_work yet. OFFSET 0 keeps this
-- anti-join before the searches: a commune with its row is not searched.
(SELECT t.* FROM analysis_communes t
 WHERE NOT EXISTS (SELECT 1 FROM analysis_work w
                   WHERE w.kind_code = CAST(:kind AS text) AND w.commune_code = t.code)
 OFFSET 0)
