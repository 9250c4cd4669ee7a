-- Stored white zones of :kind touching any of :communes (same adjacency as the clustering).
SELECT DISTINCT s.zone_id
FROM territory a
JOIN territory b ON b.level = 'commune' AND b.geom && a.geom AND ST_Intersects(b.geom, a.geom)
JOIN analysis_commune_kind s ON s.kind_code = :kind AND s.commune_code = b.code
WHERE a.level = 'commune' AND a.code = ANY (CAST(:communes AS text[]))
  AND s.zone_id IS NOT NULL;
