-- The version of one cooperation's stored state: a digest of the whole row (every column,
-- updated_at included), so any change gives a new tag. It is the strong ETag of the item
-- (OGC API – Features) and what If-Match must name for a write (optimistic concurrency).
SELECT md5(CAST(c AS text)) FROM cooperation AS c WHERE c.id = :id
