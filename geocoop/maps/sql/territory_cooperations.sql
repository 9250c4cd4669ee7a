-- The cooperations (not support structures) located in one territory, probable duplicates
-- counted once, with the study's dimensions (effective category; NULL = not given), the
-- animation staff and the financing schemes they declare. Kinds restricted by :kinds
-- (NULL = every cooperation kind). Aggregated in geocoop/maps/support.py.
SELECT c.id, c.stage, COALESCE(c.category, k.default_category) AS category,
       c.socio_economic_model, c.staff_fte, c.financing_sources
FROM cooperation AS c
JOIN kind AS k ON k.code = c.kind_code
JOIN territory AS tc ON tc.level = 'commune' AND tc.code = c.commune_code
WHERE NOT k.is_support
  AND c.quality -> 'probable_duplicate_of' IS NULL
  AND (CAST(:kinds AS text[]) IS NULL OR c.kind_code = ANY (CAST(:kinds AS text[])))
  AND ((CAST(:level AS text) = 'commune' AND tc.code = CAST(:code AS text))
    OR (CAST(:level AS text) = 'epci' AND tc.epci_code = CAST(:code AS text))
    OR (CAST(:level AS text) = 'departement' AND tc.departement_code = CAST(:code AS text))
    OR (CAST(:level AS text) = 'region' AND tc.region_code = CAST(:code AS text)))
