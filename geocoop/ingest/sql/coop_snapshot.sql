-- The editable state of one cooperation as JSON (edit log before/after, PATCH answers, the
-- base of an OGC API – Features update): every field a person or a file may set.
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
    'legal_form', c.legal_form, 'governance', c.governance, 'lead_body', c.lead_body,
    'lead_body_type', c.lead_body_type, 'staff_fte', c.staff_fte, 'networks', c.networks,
    'peer_cooperation', c.peer_cooperation, 'year_founded', c.year_founded,
    'address', c.address, 'postcode', c.postcode, 'derived_fields', c.derived_fields,
    'source', c.source, 'source_id', c.source_id)
FROM cooperation AS c
WHERE c.id = :id
