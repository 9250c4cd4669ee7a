-- The per-profile facts of these kinds are fresh again; NULL: all kinds (a full refresh).
DELETE FROM analysis_profile_pending
WHERE CAST(:kinds AS text[]) IS NULL OR kind_code = ANY(CAST(:kinds AS text[]))
