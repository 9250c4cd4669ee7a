-- A full refresh rewrites every roll-up: TRUNCATE leaves no dead rows behind.
TRUNCATE analysis_rollup
