-- The white zones as they are now (kind, zone, hash of its members, members), compared
-- with the stored outlines; dropped at the end of the transaction.
CREATE TEMPORARY TABLE zone_outline_live (
  kind_code text, zone_id text, members_hash text, communes text[]
) ON COMMIT DROP
