-- (fragment of tile_coverage_wide_rollup.sql, once per kind of the layer: the kind's code
-- as a literal, its attribute covered_pct_<kind> as an identifier) The share of population
-- covered, 0.00 to 100.00, as a double (an MVT double even when whole); NULL without a
-- stored roll-up (no data for the kind) or without population.
CAST(max(round(100.0 * r.population_covered / nullif(r.population, 0), 2))
         FILTER (WHERE r.kinds = {kind}) AS double precision) AS {column}
