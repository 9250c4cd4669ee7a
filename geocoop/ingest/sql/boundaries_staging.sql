-- Staging tables of one boundaries import (session-temporary, dropped at commit).
DROP TABLE IF EXISTS pg_temp.stg_attr, pg_temp.stg_part, pg_temp.stg_upper, pg_temp.stg_change,
    pg_temp.res_part, pg_temp.res_geom, pg_temp.stg_simplified, pg_temp.stg_dissolved,
    pg_temp.stg_alias;
CREATE TEMP TABLE stg_attr (
    level text NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    name_search text,
    region_code text,
    departement_code text,
    epci_code text,
    postcodes text[],
    population integer,
    population_year integer,
    vintage text,
    PRIMARY KEY (level, code)
) ON COMMIT DROP;
CREATE TEMP TABLE stg_part (
    code text NOT NULL,       -- current commune code
    part_code text NOT NULL,  -- code of the polygon's own row (old or delegated commune)
    file text,
    seq integer,
    geom geometry
) ON COMMIT DROP;
CREATE TEMP TABLE stg_upper (
    level text NOT NULL,
    code text NOT NULL,
    file text,
    seq integer,
    geom geometry
) ON COMMIT DROP;
CREATE TEMP TABLE stg_change (
    old_code text PRIMARY KEY,
    new_code text NOT NULL,
    effective text,
    source text
) ON COMMIT DROP;
CREATE TEMP TABLE stg_simplified (
    id integer,               -- territory id (levels simplified after their merge)
    code text,                -- commune code (communes simplified before their merge)
    srid integer NOT NULL,
    geom geometry
) ON COMMIT DROP;
CREATE TEMP TABLE stg_dissolved (
    level text NOT NULL,
    code text NOT NULL,
    srid integer NOT NULL,
    geom geometry,             -- coverage union of the members, zone CRS
    geom_simplified geometry,  -- same, of the members' simplified polygons
    PRIMARY KEY (level, code)
) ON COMMIT DROP;
CREATE TEMP TABLE stg_alias (
    name_search text NOT NULL,
    code text NOT NULL,        -- current commune
    name text NOT NULL,
    source text
) ON COMMIT DROP;
