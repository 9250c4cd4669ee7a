-- Bulk load (COPY, text format) of the rows read into the staging table; the columns
-- listed in the order of cooperations_store.STAGE_COLUMNS.
COPY coop_stage ({columns}) FROM STDIN
