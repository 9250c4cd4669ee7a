-- Former and delegated commune names of this import, for current communes that exist.
-- Names already known are kept as they are (re-importing adds nothing).
INSERT INTO commune_alias AS c (name_search, code, name, source)
SELECT s.name_search, s.code, s.name, s.source
FROM stg_alias AS s
WHERE EXISTS (SELECT 1 FROM territory AS t WHERE t.level = 'commune' AND t.code = s.code)
ON CONFLICT (name_search, code) DO NOTHING
RETURNING 1
