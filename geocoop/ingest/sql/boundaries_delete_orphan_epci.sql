-- EPCI that no commune belongs to any more and that the import does not list.
DELETE FROM territory AS e
WHERE e.level = 'epci'
  AND NOT EXISTS (SELECT 1 FROM territory AS c WHERE c.level = 'commune' AND c.epci_code = e.code)
  AND NOT EXISTS (SELECT 1 FROM stg_attr AS a WHERE a.level = 'epci' AND a.code = e.code)
RETURNING e.code
