-- The cooperation stored under one (source, source_id).
SELECT id FROM cooperation WHERE source = :source AND source_id = :source_id
