-- Per kind of :kinds, the cooperations located in the communes of :parent_level /
-- :parent_code (every commune when NULL), counted as facts_rollup_read.sql counts them
-- (a probable duplicate once, communes with an outline only); a kind set's count is the
-- sum over its kinds (a cooperation has one kind).
SELECT c.kind_code, count(*) AS n
FROM cooperation c
JOIN territory t ON t.level = 'commune' AND t.code = c.commune_code AND t.geom IS NOT NULL
WHERE c.kind_code = ANY (CAST(:kinds AS text[]))
  AND c.quality -> 'probable_duplicate_of' IS NULL
  AND (CAST(:parent_level AS text) IS NULL
       OR (CAST(:parent_level AS text) = 'epci' AND t.epci_code = CAST(:parent_code AS text))
       OR (CAST(:parent_level AS text) = 'departement' AND t.departement_code = CAST(:parent_code AS text))
       OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text)))
GROUP BY c.kind_code
