-- An editor's change to one cooperation: each column is set only when its set_ flag
-- (a bound parameter) is true. A moved point is exact (precision "coordinates") and takes
-- the commune under it.
WITH moved AS (
    SELECT ST_SetSRID(ST_MakePoint(CAST(:lon AS float8), CAST(:lat AS float8)), 4326) AS pt
)
UPDATE cooperation AS c SET
    name = CASE WHEN :set_name THEN CAST(:name AS text) ELSE c.name END,
    category = CASE WHEN :set_category THEN CAST(:category AS text) ELSE c.category END,
    socio_economic_model = CASE WHEN :set_socio_economic_model
        THEN CAST(:socio_economic_model AS text) ELSE c.socio_economic_model END,
    stage = CASE WHEN :set_stage THEN CAST(:stage AS text) ELSE c.stage END,
    accompaniment = CASE WHEN :set_accompaniment
        THEN CAST(:accompaniment AS text) ELSE c.accompaniment END,
    accompanied_by = CASE WHEN :set_accompanied_by
        THEN CAST(:accompanied_by AS text) ELSE c.accompanied_by END,
    stakeholders = CASE WHEN :set_stakeholders
        THEN CAST(:stakeholders AS text[]) ELSE c.stakeholders END,
    financing_sources = CASE WHEN :set_financing_sources
        THEN CAST(:financing_sources AS text[]) ELSE c.financing_sources END,
    website = CASE WHEN :set_website THEN CAST(:website AS text) ELSE c.website END,
    derived_fields = CASE WHEN :set_category
        THEN NULLIF(array_remove(c.derived_fields, 'category'), '{}') ELSE c.derived_fields END,
    location = CASE WHEN :set_point THEN moved.pt ELSE c.location END,
    location_precision = CASE WHEN :set_point THEN 'coordinates' ELSE c.location_precision END,
    commune_code = CASE WHEN :set_point THEN (
        SELECT t.code FROM territory AS t
        WHERE t.level = 'commune' AND t.geom && moved.pt AND ST_Covers(t.geom, moved.pt)
        ORDER BY t.code LIMIT 1) ELSE c.commune_code END,
    updated_at = now()
FROM moved
WHERE c.id = :id
