SELECT x.commune_code, min(x.commune_code) OVER (PARTITION BY x.cid) AS zone_id,
       x.nearest_edge_m, x.nearest_cooperation_id
FROM (
  SELECT s.commune_code, s.nearest_edge_m, s.nearest_cooperation_id,
         ST_ClusterDBSCAN(t.geom, eps := 0, minpoints := 1) OVER () AS cid
  FROM {source} s
  JOIN territory t ON t.level = 'commune' AND t.code = s.commune_code
  WHERE s.kind_code = :kind
    AND NOT CASE CAST(:rule AS text)
              WHEN 'distance' THEN s.covered_distance
              WHEN 'perimeter' THEN s.covered_perimeter
              ELSE s.covered_distance OR s.covered_perimeter END
) x
