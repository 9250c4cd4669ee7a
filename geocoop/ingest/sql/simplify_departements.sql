-- The départements holding stored territories of :level.
SELECT DISTINCT departement_code FROM territory WHERE level = :level
