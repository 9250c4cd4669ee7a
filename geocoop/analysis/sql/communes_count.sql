-- How many communes the last computation covered.
SELECT count(*) FROM analysis_communes
