-- Kind :k's facts are stored; :c says whether every profile has its own facts (else
-- partial filters on the kind are computed live).
INSERT INTO analysis_kind_state (kind_code, profiles_complete) VALUES (:k, :c)
