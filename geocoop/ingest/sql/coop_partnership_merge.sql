-- One partnership (lower id first); unchanged pairs are left alone, so a re-import is a no-op.
INSERT INTO partnership AS p (cooperation_a_id, cooperation_b_id, description, source)
VALUES (:a, :b, :description, :source)
ON CONFLICT (cooperation_a_id, cooperation_b_id) DO UPDATE
SET description = EXCLUDED.description, source = EXCLUDED.source
WHERE (p.description, p.source) IS DISTINCT FROM (EXCLUDED.description, EXCLUDED.source)
RETURNING (xmax = 0) AS inserted
