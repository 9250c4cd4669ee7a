-- The cooperations located in territory :code of :level (through their commune).
WITH ct AS (
  {coop_territory}
)
SELECT id FROM ct WHERE gcode = CAST(:code AS text)
