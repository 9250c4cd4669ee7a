-- Session-local scratch tables of one computation (dropped at commit).
-- analysis_communes: the communes in scope, with their geography cast once;
-- analysis_pts: the points of one kind (after filters), indexed for nearest-neighbour search;
-- analysis_perims: that kind's perimeters; analysis_work: per commune × kind results.
CREATE TEMP TABLE IF NOT EXISTS analysis_communes (
  code text PRIMARY KEY,
  epci_code text,
  geom geometry NOT NULL,
  geog geography NOT NULL,
  center geography NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS analysis_pts (
  id integer NOT NULL,
  location geometry(Point, 4326) NOT NULL,
  geog geography NOT NULL
) ON COMMIT DROP;
CREATE INDEX IF NOT EXISTS analysis_pts_gix ON analysis_pts USING gist (location);
CREATE TEMP TABLE IF NOT EXISTS analysis_perims (
  id integer NOT NULL,
  perimeter geometry,
  perimeter_codes text[],
  coded boolean NOT NULL DEFAULT false  -- its codes name communes: no geometry needed
) ON COMMIT DROP;
-- The communes a perimeter names through its territory keys, and through which level.
CREATE TEMP TABLE IF NOT EXISTS analysis_perim_communes (
  id integer NOT NULL,
  code text NOT NULL,
  via text NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS analysis_work (LIKE analysis_commune_kind) ON COMMIT DROP;
TRUNCATE analysis_work, analysis_communes;
