-- The territories of one code (any level), as locate_territories.sql reads them all: the
-- on-demand index of a small import (locate.py, TerritoryIndex.on_demand).
SELECT level, code, name, name_search, departement_code, postcodes
FROM territory
WHERE code = :code
ORDER BY level, code
