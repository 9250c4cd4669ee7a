-- How many communes in scope: the nearest search is set-based from SET_BASED_NEAREST on.
SELECT count(*) FROM analysis_communes;
