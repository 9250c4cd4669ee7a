-- Former and delegated commune names (filled by the boundaries loader) and the current
-- commune each belongs to: a fallback when a name matches no current commune.
SELECT name_search, code
FROM commune_alias
ORDER BY name_search, code
