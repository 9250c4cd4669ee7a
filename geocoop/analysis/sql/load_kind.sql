-- Fill the scratch tables with the cooperations of one kind that pass the filters.
-- The effective category is the cooperation's own, else its kind's default.
WITH c AS (
  SELECT c.id, c.location, c.perimeter, c.perimeter_codes
  FROM cooperation c
  JOIN kind k ON k.code = c.kind_code
  WHERE c.kind_code = :kind
    AND (CAST(:category AS text[]) IS NULL
         OR COALESCE(c.category, k.default_category) = ANY (CAST(:category AS text[])))
    AND (CAST(:socio_economic_model AS text[]) IS NULL
         OR c.socio_economic_model = ANY (CAST(:socio_economic_model AS text[])))
    AND (CAST(:stage AS text[]) IS NULL OR c.stage = ANY (CAST(:stage AS text[])))
), pts AS (
  INSERT INTO analysis_pts (id, location, geog)
  SELECT id, location, location::geography FROM c WHERE location IS NOT NULL
  RETURNING 1
), per AS (
  INSERT INTO analysis_perims (id, perimeter, perimeter_codes)
  SELECT id, perimeter, perimeter_codes FROM c
  WHERE perimeter IS NOT NULL OR cardinality(perimeter_codes) > 0
  RETURNING 1
)
SELECT (SELECT count(*) FROM pts) AS points, (SELECT count(*) FROM per) AS perimeters;
