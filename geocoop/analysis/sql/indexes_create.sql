-- See indexes_drop.sql.
CREATE INDEX ix_analysis_ck_zone ON analysis_commune_kind (kind_code, zone_id);
CREATE INDEX ix_analysis_ck_reach ON analysis_commune_kind USING gist (reach)
  WHERE reach IS NOT NULL;
-- per-commune lookups (roll-ups of coverage per EPCI, département, région; migration 0011)
CREATE INDEX ix_analysis_ck_commune ON analysis_commune_kind (commune_code);
