-- What is loaded, per kind and source: how many cooperations (and how many of them can be
-- placed on the map: a point or a perimeter), and the latest finished import of that source
-- (file, date) when the rows came through `geocoop ingest`. Kinds without any row appear
-- once with source NULL and 0 cooperations. A probable duplicate counts once (as in the
-- figures, rollup.sql). `recomputing`: the kind's rows are committed and its figures are
-- being recomputed (analysis_pending, migration 0016). `profiles_recomputing`: its own
-- figures are fresh, its per-profile facts (stage/category/model filters) being recomputed
-- (analysis_profile_pending, migration 0022).
WITH per_source AS (
  SELECT c.kind_code, c.source,
         count(*) AS cooperations,
         count(*) FILTER (WHERE c.location IS NOT NULL OR c.perimeter IS NOT NULL
                            OR cardinality(c.perimeter_codes) > 0) AS placed,
         max(c.ingest_run_id) AS last_run_id
  FROM cooperation c
  WHERE c.quality -> 'probable_duplicate_of' IS NULL
  GROUP BY c.kind_code, c.source
), latest_run AS (
  SELECT DISTINCT ON (r.source) r.source, r.file_name,
         COALESCE(r.finished_at, r.started_at) AS imported_at
  FROM ingest_run r
  WHERE r.target = 'cooperations' AND r.status = 'done'
  ORDER BY r.source, COALESCE(r.finished_at, r.started_at) DESC, r.id DESC
)
SELECT k.code AS kind_code, k.label_fr, k.label_en, k.is_support, s.source,
       (p.kind_code IS NOT NULL) AS recomputing,
       (pp.kind_code IS NOT NULL) AS profiles_recomputing,
       COALESCE(s.cooperations, 0) AS cooperations,
       COALESCE(s.placed, 0) AS placed,
       COALESCE(lr.file_name, run.file_name) AS file_name,
       COALESCE(lr.imported_at, run.finished_at, run.started_at) AS imported_at
FROM kind k
LEFT JOIN per_source s ON s.kind_code = k.code
LEFT JOIN latest_run lr ON lr.source = s.source
LEFT JOIN ingest_run run ON run.id = s.last_run_id
LEFT JOIN analysis_pending p ON p.kind_code = k.code
LEFT JOIN analysis_profile_pending pp ON pp.kind_code = k.code
ORDER BY k.code, s.cooperations DESC NULLS LAST, s.source;
