-- The stored roll-up rows of one kind set (:k) that facts_rollup_store.sql rewrites with its communes:
-- France and the EPCI, départements and régions holding :communes (alone and inside each
-- enclosing parent).
WITH touched AS (
  SELECT t.epci_code, t.departement_code, t.region_code
  FROM territory t
  WHERE t.level = 'commune' AND t.code = ANY (CAST(:communes AS text[]))
)
DELETE FROM analysis_rollup r
WHERE r.kinds = :k
  AND (r.level = 'france'
       OR (r.level = 'epci' AND r.code IN (SELECT epci_code FROM touched))
       OR (r.level = 'departement' AND r.code IN (SELECT departement_code FROM touched))
       OR (r.level = 'region' AND r.code IN (SELECT region_code FROM touched)));
