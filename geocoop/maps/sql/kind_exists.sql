-- Whether a kind code exists.
SELECT EXISTS (SELECT 1 FROM kind WHERE code = :kind)
