-- The scratch table of the zones as they are now (left by an earlier call in the same
-- transaction, or done with).
DROP TABLE IF EXISTS zone_outline_live
