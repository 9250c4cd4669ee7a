-- Fill the scratch tables with the cooperations of one kind that pass the filters.
-- The effective category is the cooperation's own, else its kind's default.
-- Perimeter keys (`commune:35238`, `epci:243500139`, `departement:35`, `region:53`, or a
-- bare commune/EPCI code of older rows) are expanded to their communes by indexed
-- lookups, so that the perimeter rule needs no geometry for them.
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
    -- :exact: only the cooperations of one profile (stored per-profile facts)
    AND (NOT CAST(:exact AS boolean)
         OR (COALESCE(c.category, k.default_category) IS NOT DISTINCT FROM CAST(:p_category AS text)
             AND c.socio_economic_model IS NOT DISTINCT FROM CAST(:p_model AS text)
             AND c.stage IS NOT DISTINCT FROM CAST(:p_stage AS text)))
), pts AS (
  INSERT INTO analysis_pts (id, location, geog, mercator)
  SELECT id, location, location::geography, ST_Transform(location, 3857)
  FROM c WHERE location IS NOT NULL
  RETURNING 1
), keys AS (
  SELECT c.id,
         CASE WHEN position(':' IN k.key) > 0 THEN split_part(k.key, ':', 1) END AS level,
         CASE WHEN position(':' IN k.key) > 0 THEN split_part(k.key, ':', 2) ELSE k.key END
           AS code
  FROM c CROSS JOIN LATERAL unnest(c.perimeter_codes) AS k(key)
), named AS (
  SELECT DISTINCT ON (id, code) id, code, via FROM (
    SELECT k.id, t.code, 'commune_code' AS via, 1 AS rank
    FROM keys k JOIN territory t ON t.level = 'commune' AND t.code = k.code
    WHERE k.level IS NULL OR k.level = 'commune'
    UNION ALL
    SELECT k.id, t.code, 'epci_code', 2
    FROM keys k JOIN territory t ON t.level = 'commune' AND t.epci_code = k.code
    WHERE k.level IS NULL OR k.level = 'epci'
    UNION ALL
    SELECT k.id, t.code, 'departement_code', 3
    FROM keys k JOIN territory t ON t.level = 'commune' AND t.departement_code = k.code
    WHERE k.level = 'departement'
    UNION ALL
    SELECT k.id, t.code, 'region_code', 4
    FROM keys k JOIN territory t ON t.level = 'commune' AND t.region_code = k.code
    WHERE k.level = 'region'
  ) AS m
  ORDER BY id, code, rank
), named_in AS (
  INSERT INTO analysis_perim_communes (id, code, via)
  SELECT id, code, via FROM named
  RETURNING id
), per AS (
  INSERT INTO analysis_perims (id, perimeter, perimeter_codes, coded)
  SELECT c.id, c.perimeter, c.perimeter_codes,
         EXISTS (SELECT 1 FROM named n WHERE n.id = c.id)
  FROM c
  WHERE perimeter IS NOT NULL OR cardinality(perimeter_codes) > 0
  RETURNING 1
)
SELECT (SELECT count(*) FROM pts) AS points, (SELECT count(*) FROM per) AS perimeters,
       (SELECT count(*) FROM named_in) AS perimeter_communes;
