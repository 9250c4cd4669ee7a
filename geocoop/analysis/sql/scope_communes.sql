-- Codes of the communes inside one parent territory.
SELECT code FROM territory t
WHERE t.level = 'commune' AND t.geom IS NOT NULL
  AND ((CAST(:parent_level AS text) = 'commune' AND t.code = CAST(:parent_code AS text))
    OR (CAST(:parent_level AS text) = 'epci' AND t.epci_code = CAST(:parent_code AS text))
    OR (CAST(:parent_level AS text) = 'departement' AND t.departement_code = CAST(:parent_code AS text))
    OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text)))
