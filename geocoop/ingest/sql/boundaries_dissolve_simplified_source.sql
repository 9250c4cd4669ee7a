-- Simplified pieces of each EPCI / département (communes) or région (départements),
-- grouped by the code they dissolve into.
SELECT k.code, ST_AsBinary(t.geom_simplified) AS wkb
FROM territory AS t
CROSS JOIN LATERAL (
    SELECT CASE :level WHEN 'epci' THEN t.epci_code
                       WHEN 'departement' THEN t.departement_code
                       ELSE t.region_code END AS code
) AS k
WHERE t.level = CASE WHEN :level = 'region' THEN 'departement' ELSE 'commune' END
  AND k.code = ANY(:codes) AND t.geom_simplified IS NOT NULL
ORDER BY k.code, t.code
