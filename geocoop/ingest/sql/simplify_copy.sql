-- Bulk load (binary COPY) of simplified shapes keyed by the key placeholder (id of a stored
-- territory, or code of a staged commune): geometries as plain WKB bytes.
COPY stg_simplified ({key}, srid, geom) FROM STDIN (FORMAT BINARY)
