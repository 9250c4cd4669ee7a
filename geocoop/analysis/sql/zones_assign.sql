-- White zones of one kind (rule "any"), stored as zone_id on each uncovered commune:
-- connected components of uncovered communes whose polygons intersect (shared edge, or
-- rarely a single shared vertex), found with ST_ClusterDBSCAN(eps 0, minpoints 1). A
-- zone's id is its smallest commune code, so a full and an incremental run agree.
-- :communes restricts the run to a set closed under adjacency (incremental refresh).
WITH u AS (
  SELECT s.commune_code, t.geom
  FROM analysis_commune_kind s
  JOIN territory t ON t.level = 'commune' AND t.code = s.commune_code
  WHERE s.kind_code = :kind AND NOT (s.covered_distance OR s.covered_perimeter)
    AND (CAST(:communes AS text[]) IS NULL OR s.commune_code = ANY (CAST(:communes AS text[])))
), cl AS (
  SELECT commune_code, ST_ClusterDBSCAN(geom, eps := 0, minpoints := 1) OVER () AS cid
  FROM u
), z AS (
  SELECT commune_code, min(commune_code) OVER (PARTITION BY cid) AS zone_id FROM cl
)
UPDATE analysis_commune_kind s
SET zone_id = z.zone_id
FROM z
WHERE s.kind_code = :kind AND s.commune_code = z.commune_code;
