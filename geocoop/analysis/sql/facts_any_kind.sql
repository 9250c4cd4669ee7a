-- Any kind with stored facts (the first), or NULL when none is stored.
SELECT min(kind_code) FROM analysis_kind_state
