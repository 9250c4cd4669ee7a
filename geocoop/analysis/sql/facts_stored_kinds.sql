-- The kinds whose facts are stored (with their profiles).
SELECT kind_code FROM analysis_kind_state
