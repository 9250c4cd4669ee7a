-- The stored kind sets holding one of :k (what facts_rollup_delete_kinds.sql would delete).
SELECT DISTINCT kinds FROM analysis_rollup WHERE string_to_array(kinds, ',') && :k;
