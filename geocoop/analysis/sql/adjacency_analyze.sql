-- Fresh statistics on the rebuilt adjacency graph.
ANALYZE analysis_adjacency
