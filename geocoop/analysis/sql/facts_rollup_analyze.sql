-- Fresh statistics after every roll-up was rewritten.
ANALYZE analysis_rollup
