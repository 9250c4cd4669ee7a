-- The kinds with at least one stored profile: those that had cooperations when their
-- facts were computed.
SELECT DISTINCT kind_code FROM analysis_profile
