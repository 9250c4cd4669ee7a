-- The adjacency graph goes before it is built again.
DELETE FROM analysis_adjacency
