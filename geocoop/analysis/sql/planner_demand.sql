-- Developer-posts planner, the demand: per commune in scope (:parent_level / :parent_code),
-- the cooperations at the emergence stage located there (kinds :kinds; support structures
-- and probable duplicates left out; a stage not given is not émergence) and its population
-- when it lies in a white zone: reached by no cooperation of :with_data (stored coverage,
-- distance or perimeter). NULL white population when no kind has data: unknown, not zero.
WITH scope AS (
  SELECT t.code, t.population
  FROM territory AS t
  WHERE t.level = 'commune'
    AND t.label_point IS NOT NULL
    AND (CAST(:parent_level AS text) IS NULL
      OR (CAST(:parent_level AS text) = 'departement'
          AND t.departement_code = CAST(:parent_code AS text))
      OR (CAST(:parent_level AS text) = 'region' AND t.region_code = CAST(:parent_code AS text)))
), emergence AS (
  SELECT c.commune_code AS code, count(*) AS n
  FROM cooperation AS c
  JOIN kind AS k ON k.code = c.kind_code
  WHERE NOT k.is_support
    AND c.stage = 'emergence'
    AND c.quality -> 'probable_duplicate_of' IS NULL
    AND c.kind_code = ANY (CAST(:kinds AS text[]))
  GROUP BY 1
), reached AS (
  SELECT a.commune_code AS code, bool_or(a.covered_distance OR a.covered_perimeter) AS covered
  FROM analysis_commune_kind AS a
  WHERE a.kind_code = ANY (CAST(:with_data AS text[]))
  GROUP BY 1
)
SELECT s.code,
       COALESCE(e.n, 0) AS emergence,
       CASE WHEN cardinality(CAST(:with_data AS text[])) = 0 THEN NULL
            WHEN COALESCE(r.covered, false) THEN 0
            ELSE COALESCE(s.population, 0) END AS white_population
FROM scope AS s
LEFT JOIN emergence AS e ON e.code = s.code
LEFT JOIN reached AS r ON r.code = s.code;
