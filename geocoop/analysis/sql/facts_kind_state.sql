-- Whether each of :k has stored facts, and whether all its profiles have their own.
SELECT kind_code, profiles_complete FROM analysis_kind_state WHERE kind_code = ANY (:k)
