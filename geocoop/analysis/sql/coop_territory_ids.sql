-- The cooperations located in territory :code of :level (through their commune). Only
-- those without a commune code or with one of the territory's communes are looked up
-- (an index scan, not a lookup for every cooperation of France); the others cannot be in it.
WITH ct AS (
  {coop_territory}
)
SELECT id FROM ct
WHERE gcode = CAST(:code AS text)
  AND (CAST(:level AS text) = 'france'
       OR ct.id = ANY (ARRAY(
         SELECT c.id FROM cooperation c
         WHERE c.commune_code IS NULL
            OR c.commune_code = ANY (ARRAY(
              SELECT tc.code FROM territory tc
              WHERE tc.level = 'commune'
                AND CASE CAST(:level AS text)
                      WHEN 'commune' THEN tc.code WHEN 'epci' THEN tc.epci_code
                      WHEN 'departement' THEN tc.departement_code
                      WHEN 'region' THEN tc.region_code END = CAST(:code AS text))))))
