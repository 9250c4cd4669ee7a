-- The communes of the next computation are loaded afresh.
TRUNCATE analysis_communes
