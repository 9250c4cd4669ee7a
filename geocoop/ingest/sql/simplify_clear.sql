-- The simplified shapes of an earlier simplification go.
TRUNCATE stg_simplified
