-- The stored figures of :kind for the communes in scope that the filters leave unchanged
-- (every commune but :affected, see filtered_affected.sql), copied into analysis_work.
INSERT INTO analysis_work
SELECT s.*
FROM analysis_commune_kind s
JOIN territory t ON t.level = 'commune' AND t.code = s.commune_code
WHERE s.kind_code = :kind
  AND (CAST(:parent_level AS text) IS NULL
       OR (CAST(:parent_level AS text) = 'commune' AND t.code = CAST(:parent_code AS text))
       OR (CAST(:parent_level AS text) = 'epci' AND t.epci_code = CAST(:parent_code AS text))
       OR (CAST(:parent_level AS text) = 'departement' AND t.departement_code = CAST(:parent_code AS text))
       OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text)))
  AND s.commune_code <> ALL (CAST(:affected AS text[]));
