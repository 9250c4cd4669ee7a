-- The organisation a source belongs to: an organisation owns the source named by its slug
-- (what its editors create; docs/contributing-data.md). NULL for any other source.
SELECT o.slug FROM organisation AS o WHERE o.slug = :source
