-- (shared CTE) every cooperation with the code of its territory at :level, through its
-- commune (cooperation.commune_code, else the commune polygon holding its point). Two
-- lookups, each on its index (code; polygon), rather than one OR-ed condition that made
-- every cooperation scan every territory.
SELECT c.id, c.kind_code, c.stage, c.category, c.socio_economic_model,
       CASE CAST(:level AS text)
         WHEN 'commune' THEN t.code WHEN 'epci' THEN t.epci_code
         WHEN 'departement' THEN t.departement_code WHEN 'region' THEN t.region_code
         ELSE 'FR' END AS gcode,
       t.code AS commune_code, t.epci_code, t.departement_code, t.region_code
FROM cooperation c
JOIN LATERAL (
  (SELECT t.code, t.epci_code, t.departement_code, t.region_code
   FROM territory t
   WHERE t.level = 'commune' AND t.code = c.commune_code)
  UNION ALL
  (SELECT t.code, t.epci_code, t.departement_code, t.region_code
   FROM territory t
   WHERE c.commune_code IS NULL AND c.location IS NOT NULL
     AND t.level = 'commune' AND t.geom && c.location AND ST_Covers(t.geom, c.location))
  LIMIT 1
) t ON true
