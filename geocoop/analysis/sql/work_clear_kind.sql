-- The working rows of kind :k go (before and after computing one of its profiles).
DELETE FROM analysis_work WHERE kind_code = :k
