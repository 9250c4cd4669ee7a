-- Communes of the imported départements that the new reference list no longer has
-- (merged into a commune nouvelle): removed, their code kept in commune_code_change.
DELETE FROM territory AS t
WHERE t.level = 'commune' AND t.departement_code = ANY(:departements)
  AND NOT EXISTS (SELECT 1 FROM stg_attr AS a WHERE a.level = 'commune' AND a.code = t.code)
RETURNING t.code
