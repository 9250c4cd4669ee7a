-- Figures of these kinds are fresh again (in the refresh's transaction); NULL: all kinds
-- (a full refresh).
DELETE FROM analysis_pending
WHERE CAST(:kinds AS text[]) IS NULL OR kind_code = ANY(CAST(:kinds AS text[]))
