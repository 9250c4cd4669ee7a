-- Every stored kind set holding one of :k goes (a kind that lost its data leaves the
-- default set).
DELETE FROM analysis_rollup WHERE string_to_array(kinds, ',') && :k
