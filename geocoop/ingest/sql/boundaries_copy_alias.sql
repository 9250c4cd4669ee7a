-- Bulk load (COPY, text format) of the former commune names read into staging.
COPY stg_alias (name_search, code, name, source) FROM STDIN
