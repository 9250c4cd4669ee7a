-- The cooperations (not support structures) located in one territory, probable duplicates
-- counted once, with the study's dimensions (effective category; NULL = not given), the
-- animation staff and the financing schemes they declare. Kinds restricted by :kinds
-- (NULL = every cooperation kind). Aggregated in geocoop/maps/support.py.
-- « No probable_duplicate_of key » is written `(quality ? key) IS NOT TRUE` (a missing or
-- NULL quality included), not `quality -> key IS NULL`, whose estimate (0.5 % of rows)
-- led the planner into nested loops over thousands of rows.
-- Two branches, only the one of :level runs: a région's or a département's communes are
-- read once on their own index and hashed, each cooperation's commune checked against
-- them (looking each commune up in territory one by one took 2,000 lookups for a
-- région); an EPCI's or a commune's few cooperations are found as before.
WITH large AS MATERIALIZED (
  SELECT code FROM territory
  WHERE level = 'commune' AND CAST(:level AS text) = 'region'
    AND region_code = CAST(:code AS text)
  UNION ALL
  SELECT code FROM territory
  WHERE level = 'commune' AND CAST(:level AS text) = 'departement'
    AND departement_code = CAST(:code AS text)
)
SELECT c.id, c.stage, COALESCE(c.category, k.default_category) AS category,
       c.socio_economic_model, c.staff_fte, c.financing_sources
FROM cooperation AS c
JOIN kind AS k ON k.code = c.kind_code
WHERE c.commune_code IN (SELECT code FROM large)
  AND NOT k.is_support
  AND (c.quality ? 'probable_duplicate_of') IS NOT TRUE
  AND (CAST(:kinds AS text[]) IS NULL OR c.kind_code = ANY (CAST(:kinds AS text[])))
UNION ALL
SELECT c.id, c.stage, COALESCE(c.category, k.default_category) AS category,
       c.socio_economic_model, c.staff_fte, c.financing_sources
FROM cooperation AS c
JOIN kind AS k ON k.code = c.kind_code
JOIN territory AS tc ON tc.level = 'commune' AND tc.code = c.commune_code
WHERE CAST(:level AS text) IN ('epci', 'commune')
  AND NOT k.is_support
  AND (c.quality ? 'probable_duplicate_of') IS NOT TRUE
  AND (CAST(:kinds AS text[]) IS NULL OR c.kind_code = ANY (CAST(:kinds AS text[])))
  AND ((CAST(:level AS text) = 'commune' AND tc.code = CAST(:code AS text))
    OR (CAST(:level AS text) = 'epci' AND tc.epci_code = CAST(:code AS text)))
