-- Kinds whose stored figures are being recomputed, oldest first.
SELECT kind_code, since FROM analysis_pending ORDER BY since, kind_code
