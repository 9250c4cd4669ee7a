-- The current code an old commune code became (locate_code_changes.sql, for one code).
SELECT new_code FROM commune_code_change WHERE old_code = :code
