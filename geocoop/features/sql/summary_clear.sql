-- Every stored collection summary goes before they are written again.
DELETE FROM collection_summary
