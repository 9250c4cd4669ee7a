-- Cooperations (one, or all located in a territory) with their effective category and
-- the stored coverage of their commune by support structures (kind appui). For a
-- territory, only the cooperations without a commune code or with one of its communes are
-- looked up (as in coop_territory_ids.sql).
WITH ct AS (
  {coop_territory}
), ids AS MATERIALIZED (
  SELECT ARRAY(
    SELECT x.id FROM cooperation x
    WHERE CAST(:code AS text) IS NOT NULL
      AND (x.commune_code IS NULL
           OR x.commune_code = ANY (ARRAY(
             SELECT tc.code FROM territory tc
             WHERE tc.level = 'commune'
               AND CASE CAST(:level AS text)
                     WHEN 'commune' THEN tc.code WHEN 'epci' THEN tc.epci_code
                     WHEN 'departement' THEN tc.departement_code
                     WHEN 'region' THEN tc.region_code END = CAST(:code AS text))))) AS ids
)
SELECT c.id, c.name, c.kind_code, c.stage, c.socio_economic_model,
       COALESCE(c.category, k.default_category) AS category,
       ct.commune_code,
       COALESCE(s.covered_distance OR s.covered_perimeter, false) AS support_in_reach,
       s.service_distance_m AS support_distance_m,
       s.nearest_cooperation_id AS support_id, sup.name AS support_name,
       s.nearest_edge_m AS support_m,
       COALESCE(t.population, 0) AS commune_population
FROM cooperation c
CROSS JOIN ids
JOIN kind k ON k.code = c.kind_code
LEFT JOIN ct ON ct.id = c.id
LEFT JOIN territory t ON t.level = 'commune' AND t.code = ct.commune_code
LEFT JOIN analysis_commune_kind s ON s.kind_code = 'appui' AND s.commune_code = ct.commune_code
LEFT JOIN cooperation sup ON sup.id = s.nearest_cooperation_id
WHERE NOT k.is_support
  AND (CAST(:id AS integer) IS NULL OR c.id = :id)
  AND (CAST(:code AS text) IS NULL OR ct.gcode = CAST(:code AS text))
  AND (CAST(:code AS text) IS NULL OR CAST(:level AS text) = 'france'
       OR (c.id = ANY (ids.ids) AND ct.id = ANY (ids.ids)))
ORDER BY c.id;
