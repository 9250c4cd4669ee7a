-- One collection's summary: how many features it serves and their extents, for data
-- version :v.
INSERT INTO collection_summary (collection_id, number_matched, extents, data_version)
VALUES (:id, :n, CAST(:e AS jsonb), :v)
