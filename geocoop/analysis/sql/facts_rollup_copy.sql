-- The roll-up of a kind set covering nothing (:k) is that of another such set (:e): the
-- kinds do not change any figure, copy it rather than aggregate again.
INSERT INTO analysis_rollup
SELECT CAST(:k AS text), rule, parent_level, parent_code, level, code, communes_total,
       communes_covered, population, population_covered, area_km2, area_covered_km2,
       nearest_m
FROM analysis_rollup
WHERE kinds = :e
