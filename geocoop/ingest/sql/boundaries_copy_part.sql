-- Bulk load (COPY, text format) of the commune polygons (or parts of one) read into staging.
COPY stg_part (code, part_code, file, seq, geom) FROM STDIN
