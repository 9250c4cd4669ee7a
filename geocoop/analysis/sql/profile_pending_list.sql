-- Kinds whose per-profile facts are being recomputed, oldest first.
SELECT kind_code, since FROM analysis_profile_pending ORDER BY since, kind_code
