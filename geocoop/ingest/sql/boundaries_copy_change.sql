-- Bulk load (COPY, text format) of the commune code changes read into staging.
COPY stg_change (old_code, new_code, effective, source) FROM STDIN
