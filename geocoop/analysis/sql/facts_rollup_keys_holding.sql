-- The stored kind sets holding one of :k (what facts_rollup_delete_kinds.sql would delete).
-- The distinct keys by a skip scan of the primary key (a handful of sets over ~60,000 rows:
-- one index probe each instead of reading every row).
WITH RECURSIVE key AS (
  SELECT min(kinds) AS kinds FROM analysis_rollup
  UNION ALL
  SELECT (SELECT min(r.kinds) FROM analysis_rollup r WHERE r.kinds > key.kinds)
  FROM key WHERE key.kinds IS NOT NULL
)
SELECT kinds FROM key
WHERE kinds IS NOT NULL AND string_to_array(kinds, ',') && CAST(:k AS text[]);
