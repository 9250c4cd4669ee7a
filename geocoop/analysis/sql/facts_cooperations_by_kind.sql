-- Per kind of :kinds, the cooperations located in the communes of :parent_level /
-- :parent_code (every commune when NULL), counted as facts_rollup_read.sql counts them
-- (a probable duplicate once, communes with an outline only); a kind set's count is the
-- sum over its kinds (a cooperation has one kind).
-- The parent's communes come first, one branch per level (only the branch of
-- :parent_level runs, on its own index, as in white_zones_stored.sql): a single OR of the
-- levels made the planner probe the territory index once per cooperation of France.
WITH scope AS (
  SELECT code FROM territory
  WHERE level = 'commune' AND CAST(:parent_level AS text) = 'region'
    AND region_code = CAST(:parent_code AS text) AND geom IS NOT NULL
  UNION ALL
  SELECT code FROM territory
  WHERE level = 'commune' AND CAST(:parent_level AS text) = 'departement'
    AND departement_code = CAST(:parent_code AS text) AND geom IS NOT NULL
  UNION ALL
  SELECT code FROM territory
  WHERE level = 'commune' AND CAST(:parent_level AS text) = 'epci'
    AND epci_code = CAST(:parent_code AS text) AND geom IS NOT NULL
  UNION ALL
  SELECT code FROM territory
  WHERE level = 'commune' AND CAST(:parent_level AS text) IS NULL AND geom IS NOT NULL
)
SELECT c.kind_code, count(*) AS n
FROM scope t
JOIN cooperation c ON c.commune_code = t.code
WHERE c.kind_code = ANY (CAST(:kinds AS text[]))
  AND c.quality -> 'probable_duplicate_of' IS NULL
GROUP BY c.kind_code
