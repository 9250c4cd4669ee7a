-- Every cooperation's identity, to resolve the two sides of a declared partnership.
SELECT id, source, source_id, name FROM cooperation
