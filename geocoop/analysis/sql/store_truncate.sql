-- A full refresh rewrites every stored figure: TRUNCATE, not DELETE, leaves no dead rows
-- behind; readers wait only for this step.
TRUNCATE analysis_commune_kind
