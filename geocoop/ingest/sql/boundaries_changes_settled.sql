-- A code change whose old code is a commune again (its change was undone) is dropped.
DELETE FROM commune_code_change
WHERE old_code IN (SELECT code FROM territory WHERE level = 'commune')
