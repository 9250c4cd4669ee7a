-- Every territory's level, code, search name, département and postcodes: the in-memory
-- index that locates cooperation rows by code or name without one query per row.
SELECT level, code, name, name_search, departement_code, postcodes
FROM territory
ORDER BY level, code
