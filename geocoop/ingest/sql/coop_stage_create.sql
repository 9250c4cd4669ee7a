-- Staging table of one import (bulk-loaded with COPY, merged, dropped at commit).
DROP TABLE IF EXISTS coop_stage;
CREATE TEMP TABLE coop_stage (
    line integer PRIMARY KEY,
    source_id text NOT NULL,
    kind_code text NOT NULL,
    name text NOT NULL,
    category text,
    socio_economic_model text,
    stage text,
    legal_form text,
    governance text,
    stakeholders text[],
    accompaniment text,
    accompanied_by text,
    financing_sources text[],
    year_founded integer,
    website text,
    address text,
    postcode text,
    commune_code text,
    declared_commune boolean NOT NULL DEFAULT false,
    lon double precision,
    lat double precision,
    geometry_wkt text,
    location_precision text,  -- NULL: kept without a place (quality.unlocated)
    perimeter_codes text[],
    attributes jsonb,
    lead_body text,
    lead_body_type text,
    staff_fte double precision,
    networks text[],
    peer_cooperation boolean,
    derived_fields text[],
    quality jsonb,
    location geometry(Point, 4326),
    perimeter geometry(MultiPolygon, 4326)
) ON COMMIT DROP;
-- metres on the geography: the probable-duplicate search (coop_stage_near_pairs)
CREATE INDEX coop_stage_location_geog ON coop_stage USING gist ((location::geography));
