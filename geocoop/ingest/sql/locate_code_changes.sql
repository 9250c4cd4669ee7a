-- Old commune codes (fusions, communes nouvelles, Paris/Lyon/Marseille arrondissements)
-- and the current code each became; filled by the boundaries loader.
SELECT old_code, new_code
FROM commune_code_change
