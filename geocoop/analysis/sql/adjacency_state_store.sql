-- The signature (:s) of the communes the graph was just built from, and its pairs (:p).
INSERT INTO analysis_adjacency_state (id, signature, pairs)
VALUES (1, :s, :p)
ON CONFLICT (id) DO UPDATE SET signature = EXCLUDED.signature, pairs = EXCLUDED.pairs
