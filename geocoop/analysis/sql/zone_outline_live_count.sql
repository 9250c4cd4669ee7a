-- How many white zones there are now (for the kept / written report).
SELECT count(*) FROM zone_outline_live
