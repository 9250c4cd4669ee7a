-- The current commune of an INSEE code (old codes follow the INSEE movements), if any.
SELECT t.code
FROM territory AS t
WHERE t.level = 'commune'
  AND t.code = COALESCE(
      (SELECT new_code FROM commune_code_change WHERE old_code = :code), :code)
