-- The current communes a former or delegated commune name belongs to
-- (locate_aliases.sql, for one search name).
SELECT code FROM commune_alias WHERE name_search = :key ORDER BY code
