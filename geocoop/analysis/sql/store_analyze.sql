-- Fresh statistics: later incremental queries are planned on the new contents.
ANALYZE analysis_commune_kind
