-- The editable state of one cooperation as JSON (edit log before/after, PATCH answer).
SELECT jsonb_build_object(
    'kind_code', c.kind_code, 'name', c.name, 'category', c.category,
    'socio_economic_model', c.socio_economic_model, 'stage', c.stage,
    'stakeholders', c.stakeholders, 'accompaniment', c.accompaniment,
    'accompanied_by', c.accompanied_by, 'financing_sources', c.financing_sources,
    'website', c.website, 'commune_code', c.commune_code,
    'perimeter_codes', c.perimeter_codes, 'location_precision', c.location_precision,
    'point', CASE WHEN c.location IS NULL THEN NULL
                  ELSE jsonb_build_array(round(ST_X(c.location)::numeric, 6),
                                         round(ST_Y(c.location)::numeric, 6)) END,
    'source', c.source, 'source_id', c.source_id)
FROM cooperation AS c
WHERE c.id = :id
