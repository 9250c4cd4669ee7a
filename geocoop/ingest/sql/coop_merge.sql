-- Merge the staged rows into cooperation on (source, source_id): new rows are inserted,
-- rows whose content changed are updated, identical rows are left alone (a re-import of
-- the same file changes nothing). With :log, every created or changed row is written to
-- the edit log (via "import", actor :actor) with its state before and after. Returns how
-- many were inserted and updated.
WITH prior AS (
    SELECT c.id, geocoop_coop_snapshot(c) AS state
    FROM cooperation AS c
    JOIN coop_stage AS s ON c.source = :source AND c.source_id = s.source_id
    WHERE CAST(:log AS boolean)
),
upsert AS (
    INSERT INTO cooperation AS c (
        kind_code, name, category, socio_economic_model, stage, legal_form, governance,
        stakeholders, accompaniment, accompanied_by, financing_sources, year_founded,
        website, address, postcode, commune_code, source, source_id, location,
        location_precision, perimeter_codes, perimeter, attributes, lead_body,
        lead_body_type, staff_fte, networks, peer_cooperation, derived_fields, quality,
        ingest_run_id
    )
    SELECT kind_code, name, category, socio_economic_model, stage, legal_form, governance,
           stakeholders, accompaniment, accompanied_by, financing_sources, year_founded,
           website, address, postcode, commune_code, :source, source_id, location,
           location_precision, perimeter_codes, perimeter, attributes, lead_body,
           lead_body_type, staff_fte, networks, peer_cooperation, derived_fields, quality,
           :run_id
    FROM coop_stage
    ORDER BY line
    ON CONFLICT (source, source_id) DO UPDATE SET
        kind_code = EXCLUDED.kind_code,
        name = EXCLUDED.name,
        category = EXCLUDED.category,
        socio_economic_model = EXCLUDED.socio_economic_model,
        stage = EXCLUDED.stage,
        legal_form = EXCLUDED.legal_form,
        governance = EXCLUDED.governance,
        stakeholders = EXCLUDED.stakeholders,
        accompaniment = EXCLUDED.accompaniment,
        accompanied_by = EXCLUDED.accompanied_by,
        financing_sources = EXCLUDED.financing_sources,
        year_founded = EXCLUDED.year_founded,
        website = EXCLUDED.website,
        address = EXCLUDED.address,
        postcode = EXCLUDED.postcode,
        commune_code = EXCLUDED.commune_code,
        location = EXCLUDED.location,
        location_precision = EXCLUDED.location_precision,
        perimeter_codes = EXCLUDED.perimeter_codes,
        perimeter = EXCLUDED.perimeter,
        attributes = EXCLUDED.attributes,
        lead_body = EXCLUDED.lead_body,
        lead_body_type = EXCLUDED.lead_body_type,
        staff_fte = EXCLUDED.staff_fte,
        networks = EXCLUDED.networks,
        peer_cooperation = EXCLUDED.peer_cooperation,
        derived_fields = EXCLUDED.derived_fields,
        quality = EXCLUDED.quality,
        ingest_run_id = EXCLUDED.ingest_run_id,
        updated_at = now()
    WHERE (c.kind_code, c.name, c.category, c.socio_economic_model, c.stage, c.legal_form,
           c.governance, c.stakeholders, c.accompaniment, c.accompanied_by,
           c.financing_sources, c.year_founded, c.website, c.address, c.postcode,
           c.commune_code, c.location_precision, c.perimeter_codes, c.attributes,
           c.lead_body, c.lead_body_type, c.staff_fte, c.networks, c.peer_cooperation,
           c.derived_fields, c.quality, ST_AsEWKB(c.location), ST_AsEWKB(c.perimeter))
        IS DISTINCT FROM
          (EXCLUDED.kind_code, EXCLUDED.name, EXCLUDED.category,
           EXCLUDED.socio_economic_model, EXCLUDED.stage, EXCLUDED.legal_form,
           EXCLUDED.governance, EXCLUDED.stakeholders, EXCLUDED.accompaniment,
           EXCLUDED.accompanied_by, EXCLUDED.financing_sources, EXCLUDED.year_founded,
           EXCLUDED.website, EXCLUDED.address, EXCLUDED.postcode, EXCLUDED.commune_code,
           EXCLUDED.location_precision, EXCLUDED.perimeter_codes, EXCLUDED.attributes,
           EXCLUDED.lead_body, EXCLUDED.lead_body_type, EXCLUDED.staff_fte,
           EXCLUDED.networks, EXCLUDED.peer_cooperation, EXCLUDED.derived_fields,
           EXCLUDED.quality, ST_AsEWKB(EXCLUDED.location), ST_AsEWKB(EXCLUDED.perimeter))
    RETURNING c.id, (xmax = 0) AS inserted, geocoop_coop_snapshot(c) AS state
),
logged AS (
    INSERT INTO edit_log (actor, action, entity, entity_id, before, after, via)
    SELECT CAST(:actor AS text), CASE WHEN u.inserted THEN 'create' ELSE 'update' END,
           'cooperation', u.id, p.state, u.state, 'import'
    FROM upsert AS u
    LEFT JOIN prior AS p ON p.id = u.id
    WHERE CAST(:log AS boolean)
)
SELECT count(*) FILTER (WHERE inserted) AS inserted,
       count(*) FILTER (WHERE NOT inserted) AS updated
FROM upsert
