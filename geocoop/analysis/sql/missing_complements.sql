-- Territories with a cooperation of kind A and none of a complementary kind B
-- (weight >= missing_threshold in complementarity.yaml; :wa/:wb/:ww hold those pairs).
WITH ct AS (
  {coop_territory}
), present AS (
  SELECT gcode, kind_code, count(*) AS n FROM ct
  WHERE gcode IS NOT NULL
    AND (CAST(:parent_level AS text) IS NULL
     OR (CAST(:parent_level AS text) = 'epci' AND ct.epci_code = CAST(:parent_code AS text))
     OR (CAST(:parent_level AS text) = 'departement' AND ct.departement_code = CAST(:parent_code AS text))
     OR (CAST(:parent_level AS text) = 'region' AND ct.region_code = CAST(:parent_code AS text)))
  GROUP BY gcode, kind_code
), w AS (
  SELECT * FROM unnest(CAST(:wa AS text[]), CAST(:wb AS text[]), CAST(:ww AS float8[]))
    AS w(a, b, weight)
)
SELECT p.gcode AS code,
       COALESCE(tt.name, CASE WHEN CAST(:level AS text) = 'france' THEN 'France' END) AS name,
       tt.population, p.kind_code AS has, w.b AS missing, w.weight, p.n AS has_count
FROM present p
JOIN w ON w.a = p.kind_code
LEFT JOIN territory tt ON tt.level = CAST(:level AS text) AND tt.code = p.gcode
WHERE NOT EXISTS (SELECT 1 FROM present q WHERE q.gcode = p.gcode AND q.kind_code = w.b)
ORDER BY w.weight DESC, tt.population DESC NULLS LAST, p.gcode, p.kind_code, w.b;
