-- Communes of the metric zone :srid, as they will be after this import (staged polygons,
-- plus stored communes the import does not touch), projected for coverage simplification,
-- with the codes they dissolve into.
SELECT g.code, a.epci_code, a.departement_code, a.region_code,
       ST_AsBinary(ST_Transform(g.geom, :srid)) AS wkb
FROM res_geom AS g
JOIN stg_attr AS a ON a.level = 'commune' AND a.code = g.code
WHERE g.level = 'commune' AND a.departement_code = ANY(:departements)
UNION ALL
SELECT t.code, t.epci_code, t.departement_code, t.region_code,
       ST_AsBinary(ST_Transform(t.geom, :srid))
FROM territory AS t
WHERE t.level = 'commune' AND t.departement_code = ANY(:departements) AND t.geom IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM res_geom AS g WHERE g.level = 'commune' AND g.code = t.code)
ORDER BY code
