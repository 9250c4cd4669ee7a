-- The cooperations of every kind grouped by profile: effective category (its own, else
-- the kind's default), socio-economic model and stage, as the filters see them.
SELECT c.kind_code, COALESCE(c.category, k.default_category) AS category,
       c.socio_economic_model, c.stage, count(*) AS cooperations
FROM cooperation c
JOIN kind k ON k.code = c.kind_code
WHERE CAST(:kinds AS text[]) IS NULL OR c.kind_code = ANY (CAST(:kinds AS text[]))
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST, 4 NULLS FIRST;
