-- One profile (:i) of kind :k: effective category, model, stage and its cooperation count.
INSERT INTO analysis_profile (kind_code, profile_id, category, socio_economic_model,
                              stage, cooperations)
VALUES (:k, :i, :c, :m, :s, :n)
