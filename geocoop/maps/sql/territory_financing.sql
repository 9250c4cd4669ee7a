-- The financing schemes declared by the cooperations located in one territory (PAT data:
-- PNA, LEADER, France 2030…), with how many cooperations use each; `total` = how many
-- cooperations there are, `with_financing` = how many declare at least one scheme.
WITH coops AS (
  SELECT c.id, c.financing_sources
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
)
SELECT f.scheme, count(DISTINCT coops.id) AS cooperations
FROM coops
CROSS JOIN LATERAL unnest(coops.financing_sources) AS f(scheme)
WHERE btrim(f.scheme) <> ''
GROUP BY f.scheme
ORDER BY cooperations DESC, f.scheme
