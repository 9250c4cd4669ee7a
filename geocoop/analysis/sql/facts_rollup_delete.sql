-- The stored roll-up of one kind set (:k, its key) goes before it is rewritten.
DELETE FROM analysis_rollup WHERE kinds = :k
