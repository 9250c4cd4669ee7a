-- The communes in scope (every commune, or :communes), geography and point-on-surface
-- computed once for all kinds, and the Web Mercator outline stored with it (migration 0024).
INSERT INTO analysis_communes (code, epci_code, geom, geog, center, mercator)
SELECT t.code, t.epci_code, t.geom, t.geom::geography, ST_PointOnSurface(t.geom)::geography,
       t.geom_mercator
FROM territory t
WHERE t.level = 'commune' AND t.geom IS NOT NULL
  AND (CAST(:communes AS text[]) IS NULL
       OR t.code IN (SELECT unnest(CAST(:communes AS text[]))));
