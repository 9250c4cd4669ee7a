-- (fragment of tile_coverage_wide.sql, once per kind of the layer: the kind's code as a
-- literal, its attribute covered_<kind> as an identifier) Is the commune covered for that
-- kind; NULL without a stored row (no data for the kind).
bool_or(a.covered_distance OR a.covered_perimeter) FILTER (WHERE a.kind_code = {kind})
    AS {column}
