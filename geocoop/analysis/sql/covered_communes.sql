-- The communes the stored analysis counts as covered for :kinds (by distance or by a
-- perimeter), with their name and population: the base of a coverage-change preview.
SELECT a.kind_code, a.commune_code, t.name, t.population
FROM analysis_commune_kind AS a
JOIN territory AS t ON t.level = 'commune' AND t.code = a.commune_code
WHERE a.kind_code = ANY(CAST(:kinds AS text[]))
  AND (a.covered_distance OR a.covered_perimeter)
