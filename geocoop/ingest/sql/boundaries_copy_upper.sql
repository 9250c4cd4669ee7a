-- Bulk load (COPY, text format) of the EPCI / département / région polygons given in the files into staging.
COPY stg_upper (level, code, file, seq, geom) FROM STDIN
