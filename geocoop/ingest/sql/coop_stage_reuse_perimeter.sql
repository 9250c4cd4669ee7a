-- Before the perimeter unions (coop_stage_locate.sql): a staged row whose perimeter codes
-- are those of its stored row (same :source and source_id) keeps the stored perimeter,
-- the union of the same territories, unless a territory polygon changed since that row
-- was written (a later boundaries import): then the union is computed again. The
-- national PAT list re-imported unchanged thus computes no union at all.
UPDATE coop_stage s
SET perimeter = c.perimeter
FROM cooperation c
WHERE c.source = :source AND c.source_id = s.source_id
  AND s.geometry_wkt IS NULL AND s.perimeter IS NULL
  AND c.perimeter IS NOT NULL
  AND cardinality(s.perimeter_codes) > 0
  AND c.perimeter_codes = s.perimeter_codes
  AND c.updated_at > (SELECT max(t.updated_at) FROM territory t)
