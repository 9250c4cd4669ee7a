-- Old commune codes → current codes (movements, anciensCodes, délégués, arrondissements).
INSERT INTO commune_code_change AS c (old_code, new_code, effective, source)
SELECT s.old_code, s.new_code, s.effective, s.source
FROM stg_change AS s
WHERE EXISTS (SELECT 1 FROM territory AS t WHERE t.level = 'commune' AND t.code = s.new_code)
ON CONFLICT (old_code) DO UPDATE SET
    new_code = EXCLUDED.new_code, effective = EXCLUDED.effective, source = EXCLUDED.source
WHERE (c.new_code, c.effective, c.source)
      IS DISTINCT FROM (EXCLUDED.new_code, EXCLUDED.effective, EXCLUDED.source)
RETURNING (xmax = 0) AS inserted
