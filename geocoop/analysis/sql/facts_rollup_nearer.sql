-- Stored roll-up of kind set :key (its counted kinds :kinds) after an incremental refresh
-- of communes :communes in which no coverage flag changed and no commune got farther from
-- its nearest cooperation (facts.nearer_only): every count, population and area is the
-- stored one, bit for bit, and each territory's nearest (a min over its communes) is the
-- smaller of its stored one and the new ones of its recomputed communes. The same rows as
-- facts_rollup_store.sql with :communes, without aggregating every commune for France.
WITH cc AS (
  SELECT s.commune_code, min(s.nearest_edge_m) AS nearest_m
  FROM analysis_commune_kind s
  WHERE s.kind_code = ANY (CAST(:kinds AS text[]))
    AND s.commune_code = ANY (CAST(:communes AS text[]))
  GROUP BY s.commune_code
), com AS (
  SELECT t.epci_code, t.departement_code, t.region_code, cc.nearest_m
  FROM territory t
  JOIN cc ON cc.commune_code = t.code
  WHERE t.level = 'commune' AND t.geom IS NOT NULL AND cc.nearest_m IS NOT NULL
), g AS (
  SELECT grouping(epci_code) AS ge, grouping(departement_code) AS gd,
         grouping(region_code) AS gr,
         epci_code, departement_code, region_code, min(nearest_m) AS nearest_m
  FROM com
  GROUP BY GROUPING SETS ((epci_code), (departement_code), (region_code),
                          (departement_code, epci_code), (region_code, epci_code),
                          (region_code, departement_code), ())
), labelled AS (  -- the territory each grouping-sets row describes (rollup_labels.sql)
  SELECT g.nearest_m,
         {labels}
  FROM g

), target AS (  -- a few index probes (OFFSET 0: kept apart), not a pass over ~12,000 rows
  SELECT r.tid, l.nearest_m
  FROM labelled l
  CROSS JOIN LATERAL (
    SELECT x.ctid AS tid, x.nearest_m
    FROM analysis_rollup x
    WHERE x.kinds = CAST(:key AS text) AND x.rule IN ('distance', 'perimeter', 'any')
      AND x.level = l.level AND x.parent_level = l.parent_level
      AND x.parent_code = l.parent_code AND x.code = l.code
    OFFSET 0
  ) r
  WHERE r.nearest_m IS NULL OR l.nearest_m < r.nearest_m
)
UPDATE analysis_rollup r
SET nearest_m = target.nearest_m
FROM target
WHERE r.ctid = target.tid;
