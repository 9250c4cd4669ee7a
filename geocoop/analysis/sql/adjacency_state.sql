-- The signature and size of the stored adjacency graph; no row when the graph is empty
-- (an unlogged table: empty after a crash) or was never built.
SELECT signature, pairs
FROM analysis_adjacency_state
WHERE id = 1 AND EXISTS (SELECT 1 FROM analysis_adjacency)
