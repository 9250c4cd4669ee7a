-- Bulk load (binary COPY) of the shapes dissolved from the cleaned communes, at both
-- resolutions: geometries as plain WKB bytes.
COPY stg_dissolved (level, code, srid, geom, geom_simplified) FROM STDIN (FORMAT BINARY)
