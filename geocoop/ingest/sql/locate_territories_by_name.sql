-- The territories of one level whose search name is :key, and those without a stored
-- search name (their key is computed in Python, as locate_territories.sql's reader does).
SELECT level, code, name, name_search
FROM territory
WHERE level = :level AND (name_search = :key OR name_search IS NULL)
ORDER BY level, code
