-- Every stored collection summary.
SELECT collection_id, number_matched, extents, data_version FROM collection_summary
