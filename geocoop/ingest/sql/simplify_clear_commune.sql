-- The simplified and dissolved shapes of an earlier simplification go.
TRUNCATE stg_simplified, stg_dissolved
