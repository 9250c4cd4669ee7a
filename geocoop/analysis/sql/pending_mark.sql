-- The kinds an import just changed: their figures are being recomputed (written in the
-- import's transaction, so the rows and the notice become visible together).
INSERT INTO analysis_pending (kind_code)
SELECT code FROM kind WHERE code = ANY(CAST(:kinds AS text[]))
ON CONFLICT (kind_code) DO UPDATE SET since = now()
