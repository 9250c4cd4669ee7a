-- Former and delegated commune names of this import, for current communes that exist.
-- With a full reference list (:replace), the names of the imported communes that the
-- new lists no longer give are removed; names already known are kept as they are, so
-- re-importing the same files changes nothing.
WITH gone AS (
    DELETE FROM commune_alias AS a
    WHERE CAST(:replace AS boolean)
      AND a.code IN (SELECT code FROM stg_attr WHERE level = 'commune')
      AND NOT EXISTS (
          SELECT 1 FROM stg_alias AS s WHERE s.name_search = a.name_search AND s.code = a.code
      )
    RETURNING 1
), added AS (
    INSERT INTO commune_alias AS c (name_search, code, name, source)
    SELECT s.name_search, s.code, s.name, s.source
    FROM stg_alias AS s
    WHERE EXISTS (SELECT 1 FROM territory AS t WHERE t.level = 'commune' AND t.code = s.code)
    ON CONFLICT (name_search, code) DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM added) AS inserted, (SELECT count(*) FROM gone) AS deleted
