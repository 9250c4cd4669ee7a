-- Geometries of one level in one metric zone, projected there, for coverage simplification.
SELECT id, ST_AsBinary(ST_Transform(geom, :srid)) AS wkb
FROM territory
WHERE level = :level AND geom IS NOT NULL AND departement_code = ANY(:departements)
ORDER BY id
