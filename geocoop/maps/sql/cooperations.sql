-- Located cooperations for the map markers, filtered by kind, category, model and stage
-- (a NULL parameter means no filter on that field). The category is the cooperation's own,
-- else its kind's default, as in the coverage figures (analysis/load_kind.sql); a
-- cooperation whose filtered value is unknown is left out, as there.
SELECT c.id, c.name, c.kind_code, c.category, c.socio_economic_model, c.stage,
       c.governance, c.legal_form, c.website, c.commune_code, c.year_founded,
       round(ST_X(c.location)::numeric, 5)::float AS lon,
       round(ST_Y(c.location)::numeric, 5)::float AS lat
FROM cooperation AS c
JOIN kind AS k ON k.code = c.kind_code
WHERE c.location IS NOT NULL
  AND (CAST(:kinds AS text[]) IS NULL OR c.kind_code = ANY(CAST(:kinds AS text[])))
  AND (CAST(:categories AS text[]) IS NULL
       OR COALESCE(c.category, k.default_category) = ANY(CAST(:categories AS text[])))
  AND (CAST(:models AS text[]) IS NULL
       OR c.socio_economic_model = ANY(CAST(:models AS text[])))
  AND (CAST(:stages AS text[]) IS NULL OR c.stage = ANY(CAST(:stages AS text[])))
ORDER BY c.id
