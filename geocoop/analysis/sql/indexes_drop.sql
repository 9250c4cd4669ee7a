-- Secondary indexes of analysis_commune_kind, dropped for the bulk insert of a full refresh
-- and rebuilt after it (faster than maintaining them row by row). Same definitions as
-- migrations 0004 and 0011; the table was just truncated inside the same transaction.
DROP INDEX IF EXISTS ix_analysis_ck_zone;
DROP INDEX IF EXISTS ix_analysis_ck_reach;
DROP INDEX IF EXISTS ix_analysis_ck_commune;
